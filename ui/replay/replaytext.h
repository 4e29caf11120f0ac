// SPDX-License-Identifier: GPL-3.0-or-later
// The words the replay windows show: one request's outcome with the head of its answer,
// where a JSON body stops parsing (line and column), and a run's tally.
#pragma once

#include "replay/replayer.h"

#include <QByteArray>
#include <QString>
#include <QUrl>

namespace mm::replaytext {

// "HTTP 200 · 8.4 ms · 1 try", the ids, the error, then the first 4 KiB of the answer as
// text (or a hex dump when it is not UTF-8).
QString resultDetails(const ReplayResult &result);

// Why body is not JSON, or an empty string when it is: "Line 3, column 14: unterminated string".
// line and column (from 1, in characters) are set when given.
QString jsonProblem(const QByteArray &body, int *line = nullptr, int *column = nullptr);

// Why text cannot be a replay target (an absolute http or https URL with a host), or an
// empty string when it can; *url receives the parsed URL.
QString targetProblem(const QString &text, QUrl *url);

// "12 of 40 sent · 10 succeeded · 2 failed"
QString progressText(int done, int total, const ReplaySummary &soFar);

// "Done: 10 succeeded, 2 failed, 1 cancelled."
QString summaryText(const ReplaySummary &summary);

} // namespace mm::replaytext
