// The Chinese font of our PDFs: Noto Sans SC Regular as TrueType (subset-embeddable by pdf-lib;
// CFF/OTF CJK fonts subset to a font that renders blank, see RECIPES). Parsed once per process
// for glyph checks. Characters the font lacks (rare name characters such as 𠮷) are found before
// a document is made, so nothing is ever printed as an empty box.
import fontkit from '@pdf-lib/fontkit';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { PDFDocument, PDFFont } from 'pdf-lib';
import { createRequire } from 'node:module';

const FONT_FILE = createRequire(import.meta.url).resolve('@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf');

interface LoadedFont {
  bytes: Uint8Array;
  /** Hand this to `doc.registerFontkit`: documents reuse the parsed font (~3× faster than parsing 10 MB each time). */
  fontkit: { create(): unknown };
  hasGlyph(codePoint: number): boolean;
}

let loaded: LoadedFont | null = null;

export function agreementFont(): LoadedFont {
  if (!loaded) {
    const bytes = new Uint8Array(readFileSync(FONT_FILE));
    const font = fontkit.create(bytes);
    padSubsetGlyphs(font);
    loaded = { bytes, fontkit: { create: () => font }, hasGlyph: (cp) => font.hasGlyphForCodePoint(cp) };
  }
  return loaded;
}

/** Embeds the font into `doc` as a subset; `text` is everything the document will print (names the subset). */
export async function embedAgreementFont(doc: PDFDocument, text: string): Promise<PDFFont> {
  const font = agreementFont();
  doc.registerFontkit(font.fontkit as Parameters<PDFDocument['registerFontkit']>[0]);
  return doc.embedFont(font.bytes, { subset: true, customName: subsetFontName(text) });
}

/** The distinct characters of `text` the font cannot show (whitespace and controls aside). */
export function missingGlyphs(text: string): string[] {
  const font = agreementFont();
  const missing = new Set<string>();
  for (const ch of text) {
    if (/\s/u.test(ch)) continue;
    if (!font.hasGlyph(ch.codePointAt(0)!)) missing.add(ch);
  }
  return [...missing];
}

/**
 * The PDF name of a subset font: a six-letter tag + "+" (ISO 32000 9.6.4), derived from the
 * characters used so the same text gives the same bytes, and so viewers report it as a subset.
 */
export function subsetFontName(text: string, postscriptName = 'NotoSansSC-Regular'): string {
  const used = [...new Set(text)].sort().join('');
  const h = createHash('sha256').update(used).digest();
  const tag = [...h.subarray(0, 6)].map((b) => String.fromCharCode(65 + (b % 26))).join('');
  return `${tag}+${postscriptName}`;
}

interface SubsetInternals {
  glyf: Uint8Array[];
  offset: number;
  _addGlyph(gid: number): number;
}

/**
 * Works around a bug in @pdf-lib/fontkit's TrueType subsetter: glyph data is copied with its
 * original length, and a subset under 64 KB gets the short `loca` format, which stores offsets
 * divided by two — so after the first odd-length glyph every later glyph points one byte off and
 * renders blank (Noto Sans SC has many odd-length glyphs; seen as half the characters missing
 * under poppler with no system fonts). Padding each glyph to 4 bytes, as the TrueType spec
 * recommends, keeps every offset even.
 */
function padSubsetGlyphs(font: { createSubset(): unknown }): void {
  const createSubset = font.createSubset.bind(font);
  font.createSubset = () => {
    const subset = createSubset() as SubsetInternals;
    const addGlyph = subset._addGlyph.bind(subset);
    subset._addGlyph = (gid: number) => {
      const index = addGlyph(gid);
      const data = subset.glyf[index]!;
      const pad = (4 - (data.length % 4)) % 4;
      if (pad) {
        // The subsetter's own Buffer implementation (bundled), not Node's: its encoder checks.
        const BufferImpl = data.constructor as unknown as { concat(list: Uint8Array[]): Uint8Array; alloc(n: number): Uint8Array };
        subset.glyf[index] = BufferImpl.concat([data, BufferImpl.alloc(pad)]);
        subset.offset += pad;
      }
      return index;
    };
    return subset;
  };
}
