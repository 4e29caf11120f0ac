// SPDX-License-Identifier: GPL-3.0-or-later
#include "replaytext.h"

#include "inspector/inspectortext.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QLocale>
#include <QStringList>
#include <algorithm>

namespace mm::replaytext {

namespace {
QString tr(const char *text)
{
    return QCoreApplication::translate("mm::replaytext", text);
}
} // namespace

QString resultDetails(const ReplayResult &r)
{
    QStringList head;
    if (r.cancelled)
        head.append(r.tries > 0 ? tr("Cancelled while waiting for the answer")
                                : tr("Cancelled before sending"));
    else if (r.status > 0)
        head.append(tr("HTTP %1").arg(r.status));
    else
        head.append(r.tries == 0 ? tr("Not sent") : tr("No answer"));
    if (r.tries > 0 && !r.cancelled)
        head.append(tr("%1 ms").arg(double(r.latencyUs) / 1000.0, 0, 'f', 1));
    if (r.tries > 0)
        head.append(r.tries == 1 ? tr("1 try") : tr("%1 tries").arg(r.tries));
    if (r.sentUs > 0)
        head.append(tr("sent %1").arg(inspect::localTimeUs(r.sentUs)));

    QStringList lines {head.join(QStringLiteral(" · "))};
    const QString original = QString::fromLatin1(r.originalMsgId);
    const QString sent = QString::fromLatin1(r.sentMsgId);
    if (!sent.isEmpty() && !original.isEmpty() && sent != original)
        lines.append(tr("Sent as %1 (stored as %2)").arg(sent, original));
    else if (!sent.isEmpty() || !original.isEmpty())
        lines.append(tr("Message id %1").arg(sent.isEmpty() ? original : sent));
    if (!r.error.isEmpty())
        lines.append(tr("Error: %1").arg(r.error));
    lines.append(QString());
    if (r.responseHead.isEmpty()) {
        lines.append(r.status > 0 ? tr("The answer's body was empty.") : tr("No answer was read."));
        return lines.join(u'\n');
    }
    if (const auto text = inspect::decodeUtf8(r.responseHead))
        lines.append(*text);
    else
        lines.append(inspect::hexDump(r.responseHead));
    if (r.responseHead.size() >= Replayer::ResponseHeadBytes)
        lines.append(tr("\n(Only the first %1 bytes of the answer are kept.)")
                         .arg(QLocale().toString(qlonglong(Replayer::ResponseHeadBytes))));
    return lines.join(u'\n');
}

QString jsonProblem(const QByteArray &body, int *line, int *column)
{
    QJsonParseError error;
    QJsonDocument::fromJson(body, &error);
    if (error.error == QJsonParseError::NoError) {
        if (line)
            *line = 0;
        if (column)
            *column = 0;
        return {};
    }
    // The offset counts bytes; people count lines and characters.
    const qsizetype offset = std::clamp<qsizetype>(error.offset, 0, body.size());
    const QByteArray before = body.left(offset);
    const int l = int(before.count('\n')) + 1;
    const qsizetype lineStart = before.lastIndexOf('\n') + 1;
    const int c = int(QString::fromUtf8(before.mid(lineStart)).size()) + 1;
    if (line)
        *line = l;
    if (column)
        *column = c;
    if (body.trimmed().isEmpty())
        return tr("The body is empty: a JSON value is needed.");
    return tr("Line %1, column %2: %3").arg(l).arg(c).arg(error.errorString());
}

QString targetProblem(const QString &text, QUrl *url)
{
    const QString trimmed = text.trimmed();
    if (trimmed.isEmpty())
        return tr("Enter the URL to send to, such as http://127.0.0.1:3000/webhooks.");
    *url = QUrl(trimmed, QUrl::StrictMode);
    if (!url->isValid())
        return tr("\"%1\" is not a URL (%2).").arg(trimmed, url->errorString());
    const QString scheme = url->scheme().toLower();
    if (scheme.isEmpty())
        return tr("The target must be an absolute URL such as http://127.0.0.1:3000/webhooks.");
    if (scheme != QLatin1String("http") && scheme != QLatin1String("https"))
        return tr("The target must be an http:// or https:// URL, not %1://.").arg(scheme);
    if (url->host().isEmpty())
        return tr("The target URL names no host: write it like http://127.0.0.1:3000/webhooks.");
    return {};
}

QString progressText(int done, int total, const ReplaySummary &s)
{
    QString text = tr("%1 of %2 done").arg(QLocale().toString(done), QLocale().toString(total));
    text += tr(" · %1 succeeded").arg(QLocale().toString(s.succeeded));
    if (s.failed > 0)
        text += tr(" · %1 failed").arg(QLocale().toString(s.failed));
    if (s.cancelled > 0)
        text += tr(" · %1 cancelled").arg(QLocale().toString(s.cancelled));
    return text;
}

QString summaryText(const ReplaySummary &s)
{
    return tr("Done: %1 succeeded, %2 failed, %3 cancelled.")
        .arg(QLocale().toString(s.succeeded), QLocale().toString(s.failed), QLocale().toString(s.cancelled));
}

} // namespace mm::replaytext
