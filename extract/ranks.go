package extract

import (
	"fmt"
	"regexp"
	"strconv"
)

// Salary ladders of Decree 204/2004/NĐ-CP (table 3, civil servants and
// public employees): first coefficient, step increment and number of steps.
type ladder struct {
	first, inc float64
	steps      int
}

var ladders = map[string]ladder{
	"A3.1": {6.20, 0.36, 6}, "A3.2": {5.75, 0.36, 6},
	"A2.1": {4.40, 0.34, 8}, "A2.2": {4.00, 0.34, 8},
	"A1": {2.34, 0.33, 9}, "A0": {2.10, 0.31, 10},
	"B": {1.86, 0.20, 12}, "C1": {1.65, 0.18, 12}, "C2": {1.50, 0.18, 12}, "C3": {1.35, 0.18, 12},
}

// rankLadders maps the common rank codes to their ladder (Circular
// 02/2021/TT-BNV and the professional-title circulars for public employees:
// hạng I = A3/A2, hạng II = A2, hạng III = A1, hạng IV = B).
var rankLadders = map[string]string{
	"01.001": "A3.1", "01.002": "A2.1", "01.003": "A1", "01.004": "A0", "01.005": "B",
	"01.007": "C1", "01.008": "C2", "01.009": "C1", "01.010": "C1", "01.011": "C2",
	"06.029": "A3.1", "06.030": "A2.1", "06.031": "A1", "06.032": "A0", "06.033": "B",
	"04.023": "A3.1", "04.024": "A2.1", "04.025": "A1", "13.280": "A3.1", "13.281": "A2.1", "13.282": "A1",
	"02.006": "A3.1", "02.007": "A2.1", "02.008": "A1",
	"V.07.05.13": "A2.1", "V.07.05.14": "A2.2", "V.07.05.15": "A1",
	"V.07.04.30": "A2.1", "V.07.04.31": "A2.2", "V.07.04.32": "A1",
	"V.07.03.27": "A2.2", "V.07.03.28": "A1", "V.07.03.29": "A1",
	"V.07.02.24": "A2.2", "V.07.02.25": "A1", "V.07.02.26": "A1",
	"V.08.01.01": "A3.1", "V.08.01.02": "A2.1", "V.08.01.03": "A1",
	"V.08.05.11": "A2.1", "V.08.05.12": "A1", "V.08.05.13": "B",
	"V.08.07.16": "A2.1", "V.08.07.17": "A1", "V.08.07.18": "A1", "V.08.07.19": "B",
	"V.08.08.20": "A3.1", "V.08.08.21": "A2.1", "V.08.08.22": "A1", "V.08.08.23": "B",
	"V.08.06.14": "A2.1", "V.08.06.15": "A1", "V.08.06.16": "B",
	"V.08.02.04": "A3.1", "V.08.02.05": "A2.1", "V.08.02.06": "A1", "V.08.02.07": "B",
	"V.10.01.01": "A3.1", "V.10.01.02": "A2.1", "V.10.01.03": "A1",
}

var reRankCodeShape = regexp.MustCompile(`^(\d{2}\.\d{3}[a-z]?|V\.\d{2}\.\d{2}\.\d{2})$`)

// knownRank reports whether code is one of the rank codes hoso knows.
func knownRank(code string) bool {
	_, ok := rankLadders[code]
	return ok
}

// ladderCoefficient returns the coefficient of step on the ladder of a rank
// code, and whether both are known.
func ladderCoefficient(code string, step int) (string, bool) {
	l, ok := ladders[rankLadders[code]]
	if !ok || step < 1 || step > l.steps {
		return "", false
	}
	return fmt.Sprintf("%.2f", l.first+float64(step-1)*l.inc), true
}

// onAnyLadder reports whether coefficient is the value of step on some
// ladder: a check that catches misread digits without knowing the rank.
func onAnyLadder(coefficient string, step int) bool {
	c, err := strconv.ParseFloat(coefficient, 64)
	if err != nil {
		return false
	}
	for _, l := range ladders {
		if step >= 1 && step <= l.steps && abs64(l.first+float64(step-1)*l.inc-c) < 0.005 {
			return true
		}
	}
	return false
}

func itoa(n int) string { return strconv.Itoa(n) }
