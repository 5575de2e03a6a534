package docgen

import _ "embed"

// The fonts of the PDF documents, vendored by fonts/update.sh with their
// licence (SIL Open Font License 1.1: embedding in documents and
// redistribution with software are allowed). fpdf embeds a subset of each,
// the glyphs a document uses.
var (
	//go:embed fonts/LiberationSans-Regular.ttf
	fontRegular []byte
	//go:embed fonts/LiberationSans-Bold.ttf
	fontBold []byte
	//go:embed fonts/LiberationSans-Italic.ttf
	fontItalic []byte
)

// fontName is the family the DOCX documents name; Word falls back to a
// metric-compatible Arial where Liberation Sans is not installed.
const fontName = "Liberation Sans"
