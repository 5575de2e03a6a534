package web

import (
	"net/http"
	"strconv"

	"ctg/internal/convention"
	"ctg/internal/plan"
)

// documentLink is a document of the documents page.
type documentLink struct {
	Href, Label, Format, Note string
}

type documentsData struct {
	C *convention.Convention
	// Signed tells whether the convention is signed; before, its document
	// says it is a draft.
	Signed     bool
	Convention []documentLink
	Workbooks  []documentLink
	Reviews    []documentLink
	Evaluation documentLink
}

// documentsPage lists the documents of a convention, each written from
// the data when it is downloaded.
func (s *Server) documentsPage(w http.ResponseWriter, r *http.Request) error {
	c, err := s.db.ConventionHead(r.Context(), currentUser(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	base := "/conventions/" + c.ID + "/documents/"
	d := documentsData{C: c, Signed: c.Status == convention.StatusSigned || c.Status == convention.StatusEnded,
		Convention: []documentLink{
			{base + "convention.docx", "La convention à négocier", "Word (DOCX), modifiable", "À ouvrir dans Word ou LibreOffice ; les titres forment le plan du document."},
			{base + "convention.pdf", "La convention à signer", "PDF", "Avec son sommaire, ses blocs de signature et les fiches actions en annexe."},
		},
		Workbooks: []documentLink{
			{base + "plan.xlsx", "Le plan d'actions et son budget", "Tableur (XLSX)", "Une ligne par action, les lignes du budget, les totaux par financeur et par année."},
			{"/api/v1/conventions/" + c.ID + "/budget.xlsx", "Le budget seul", "Tableur (XLSX)", "Le classeur que la page du budget sait réimporter."},
		},
		Evaluation: documentLink{base + "evaluation.pdf", "L'évaluation finale", "PDF", "Résultats, indicateurs sur la période, bilan financier et actions à reconduire."},
	}
	first, last := plan.Years(c)
	this, _ := strconv.Atoi(s.today()[:4])
	for y := first; y > 0 && y <= last && y <= this; y++ {
		n := strconv.Itoa(y)
		d.Reviews = append(d.Reviews, documentLink{base + "bilan-" + n + ".pdf", "Bilan annuel " + n, "PDF", ""})
	}
	return s.render(w, r, "documents", "Documents — "+c.Title, "conventions", d)
}
