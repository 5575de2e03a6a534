package reminder

import (
	"fmt"
	"strings"

	"ctg/internal/mail"
)

// Compose writes the mail that gives to to its reminders rs, in French:
// one reminder's own sentence as the subject, or how many there are, and
// each with its page. baseURL is the address of ctg as its users reach it
// (https://ctg.caf33.fr); without it, pages are named by their path.
func Compose(to Recipient, rs []Reminder, baseURL string) mail.Message {
	subject := fmt.Sprintf("ctg : %d rappels sur vos conventions", len(rs))
	if len(rs) == 1 {
		subject = "Rappel : " + strings.TrimSuffix(rs[0].Message, ".")
	}
	var b strings.Builder
	if to.Name != "" {
		fmt.Fprintf(&b, "Bonjour %s,\n\n", to.Name)
	} else {
		b.WriteString("Bonjour,\n\n")
	}
	if len(rs) == 1 {
		b.WriteString("Un rappel sur une convention que vous suivez dans ctg :\n\n")
	} else {
		b.WriteString("Des rappels sur les conventions que vous suivez dans ctg :\n\n")
	}
	base := strings.TrimSuffix(baseURL, "/")
	for _, r := range rs {
		fmt.Fprintf(&b, "- %s\n  %s\n\n", r.Message, base+r.Link)
	}
	b.WriteString("Ces rappels sont aussi sur votre tableau de bord. Chacun n'est envoyé qu'une fois.\n\n")
	b.WriteString("-- \nctg, message automatique : merci de ne pas y répondre.\n")
	return mail.Message{To: to.Email, ToName: to.Name, Subject: subject, Body: b.String()}
}
