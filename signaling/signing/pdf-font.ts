// The Chinese font of our PDFs: Noto Sans SC Regular as TrueType (subset-embeddable by pdf-lib;
// CFF/OTF CJK fonts subset to a font that renders blank, see RECIPES). Parsed once per process
// for glyph checks. Characters the font lacks (rare name characters such as 𠮷) are found before
// a document is made, so nothing is ever printed as an empty box.
import fontkit from '@pdf-lib/fontkit';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
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
    loaded = { bytes, fontkit: { create: () => font }, hasGlyph: (cp) => font.hasGlyphForCodePoint(cp) };
  }
  return loaded;
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
