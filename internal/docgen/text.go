package docgen

import (
	"math"
	"strconv"
	"strings"
	"time"

	"ctg/internal/budget"
	"ctg/internal/convention"
)

// French typography: a no-break space before the euro sign and between
// groups of digits, and inside guillemets.
const nbsp = "\u00a0"

// money writes an amount in cents as the budget pages do: "22 246 000 €"
// when it is whole euros, "1 234,56 €" otherwise.
func money(cents int64) string {
	return strings.Replace(budget.FormatCents(cents), ",00"+nbsp+"€", nbsp+"€", 1)
}

// number writes a whole number with no-break spaces between thousands.
func number(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(nbsp)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// decimal writes f with d decimals, a decimal comma and grouped thousands.
func decimal(f float64, d int) string {
	s := strconv.FormatFloat(f, 'f', d, 64)
	ip, fp, _ := strings.Cut(s, ".")
	n, _ := strconv.ParseInt(ip, 10, 64)
	out := number(n)
	if strings.HasPrefix(ip, "-") && n == 0 {
		out = "-" + out
	}
	if fp != "" {
		out += "," + fp
	}
	return out
}

// figure writes a value typed by a person (an indicator's target) as
// briefly as it reads: 12, 12,5, 0,75.
func figure(f float64) string {
	if f == math.Trunc(f) && math.Abs(f) < 1e15 {
		return number(int64(f))
	}
	s := strconv.FormatFloat(f, 'f', -1, 64)
	ip, fp, _ := strings.Cut(s, ".")
	n, _ := strconv.ParseInt(ip, 10, 64)
	out := number(n)
	if strings.HasPrefix(ip, "-") && n == 0 {
		out = "-" + out
	}
	return out + "," + fp
}

// percent writes a share between 0 and 1 as "31,2 %".
func percent(share float64) string { return decimal(share*100, 1) + nbsp + "%" }

// shortDate writes a YYYY-MM-DD date as "21/11/2026", and "" as "".
func shortDate(s string) string {
	t, ok := convention.ParseDate(s)
	if !ok {
		return s
	}
	return t.Format("02/01/2006")
}

var months = [...]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"}

// longDate writes a YYYY-MM-DD date in words: "1er novembre 2022",
// "31 décembre 2026".
func longDate(s string) string {
	t, ok := convention.ParseDate(s)
	if !ok {
		return s
	}
	return dateWords(t)
}

func dateWords(t time.Time) string {
	day := strconv.Itoa(t.Day())
	if t.Day() == 1 {
		day = "1er"
	}
	return day + nbsp + months[t.Month()-1] + nbsp + strconv.Itoa(t.Year())
}

// quote puts s between French guillemets with no-break spaces inside.
func quote(s string) string { return "«" + nbsp + s + nbsp + "»" }

// plural writes a count with its noun, singular up to 1 as French has it:
// "0 commune", "1 commune", "12 communes".
func plural(n int, one, many string) string {
	if n <= 1 {
		return number(int64(n)) + nbsp + one
	}
	return number(int64(n)) + nbsp + many
}

// list joins names in French: "a", "a et b", "a, b et c".
func list(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " et " + items[len(items)-1]
}
