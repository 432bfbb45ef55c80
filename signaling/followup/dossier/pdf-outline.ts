// The bookmarks of a PDF (ISO 32000-1 §12.3.3, 文档大纲): pdf-lib has no API for them, so the
// outline dictionaries are written by hand — a root /Outlines dictionary in the catalog, each
// item with /Title, /Parent, /Prev, /Next, /First, /Last, /Count and a /Dest to its page. Items
// are open (positive /Count), so a viewer shows the whole tree at once.
import { PDFArray, PDFDict, PDFHexString, PDFName, PDFNull, PDFNumber, type PDFDocument, type PDFRef } from 'pdf-lib';

export interface OutlineItem {
  title: string;
  /** 0-based index of the page it opens. */
  page: number;
  children?: readonly OutlineItem[];
}

/** Sets the document's outline (replacing any) and asks viewers to show it when the file opens. */
export function setOutline(doc: PDFDocument, items: readonly OutlineItem[]): void {
  const context = doc.context;
  const pages = doc.getPages();
  const rootRef = context.nextRef();

  /** Writes `list` under `parent`; returns the first and last refs and how many items are visible below. */
  const writeLevel = (list: readonly OutlineItem[], parent: PDFRef): { first: PDFRef; last: PDFRef; visible: number } => {
    const refs = list.map(() => context.nextRef());
    let visible = 0;
    list.forEach((item, i) => {
      const page = pages[item.page];
      if (!page) throw new Error(`书签「${item.title}」指向不存在的第 ${item.page + 1} 页`);
      const dict = PDFDict.withContext(context);
      dict.set(PDFName.of('Title'), PDFHexString.fromText(item.title));
      dict.set(PDFName.of('Parent'), parent);
      if (i > 0) dict.set(PDFName.of('Prev'), refs[i - 1]!);
      if (i < refs.length - 1) dict.set(PDFName.of('Next'), refs[i + 1]!);
      // [page /XYZ left top zoom]: the top of the page, zoom unchanged.
      const dest = PDFArray.withContext(context);
      dest.push(page.ref);
      dest.push(PDFName.of('XYZ'));
      dest.push(PDFNull);
      dest.push(PDFNumber.of(page.getHeight()));
      dest.push(PDFNull);
      dict.set(PDFName.of('Dest'), dest);
      visible += 1;
      if (item.children?.length) {
        const below = writeLevel(item.children, refs[i]!);
        dict.set(PDFName.of('First'), below.first);
        dict.set(PDFName.of('Last'), below.last);
        dict.set(PDFName.of('Count'), PDFNumber.of(below.visible));
        visible += below.visible;
      }
      context.assign(refs[i]!, dict);
    });
    return { first: refs[0]!, last: refs[refs.length - 1]!, visible };
  };

  const root = PDFDict.withContext(context);
  root.set(PDFName.of('Type'), PDFName.of('Outlines'));
  if (items.length) {
    const top = writeLevel(items, rootRef);
    root.set(PDFName.of('First'), top.first);
    root.set(PDFName.of('Last'), top.last);
    root.set(PDFName.of('Count'), PDFNumber.of(top.visible));
  }
  context.assign(rootRef, root);
  doc.catalog.set(PDFName.of('Outlines'), rootRef);
  doc.catalog.set(PDFName.of('PageMode'), PDFName.of('UseOutlines'));
}
