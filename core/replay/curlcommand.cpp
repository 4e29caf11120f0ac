// SPDX-License-Identifier: GPL-3.0-or-later
#include "curlcommand.h"

#include "verify/signingsecret.h"

#include <QStringDecoder>
#include <QStringList>

namespace mm {

namespace {
// Text that survives a terminal and a clipboard as it is: UTF-8, no NUL or control
// characters other than tab and newline.
bool isPlainText(const QByteArray &body, QString *text)
{
    // curl reads a file for a value starting with '@', and a byte-order mark would be lost
    // on the way: such bodies take the base64 path.
    if (body.startsWith('@') || body.startsWith("\xEF\xBB\xBF"))
        return false;
    QStringDecoder utf8(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    *text = utf8(body);
    if (utf8.hasError())
        return false;
    for (QChar c : std::as_const(*text)) {
        if (c.category() == QChar::Other_Control && c != u'\n' && c != u'\t')
            return false;
    }
    return true;
}
} // namespace

QString shellQuote(const QString &text)
{
    QString quoted = text;
    quoted.replace(u'\'', QStringLiteral("'\\''"));
    return u'\'' + quoted + u'\'';
}

QString curlCommand(const CurlRequest &r)
{
    const QByteArray ts = QByteArray::number(r.timestamp);
    QStringList args {QStringLiteral("curl"), QStringLiteral("--fail-with-body"),
                      QStringLiteral("-sS"),  QStringLiteral("-X"),
                      QStringLiteral("POST"), shellQuote(r.target.toString())};
    auto header = [&args](const QString &name, const QString &value) {
        args << QStringLiteral("-H") << shellQuote(name + QStringLiteral(": ") + value);
    };
    header(QStringLiteral("content-type"), QStringLiteral("application/json"));
    if (!r.msgId.isEmpty())
        header(QStringLiteral("svix-id"), QString::fromLatin1(r.msgId));
    header(QStringLiteral("svix-timestamp"), QString::fromLatin1(ts));
    if (r.secret)
        header(QStringLiteral("svix-signature"),
               QString::fromLatin1(r.secret->signature(r.msgId, ts, r.body)));

    QString text;
    if (isPlainText(r.body, &text)) {
        args << QStringLiteral("--data-binary") << shellQuote(text);
        return args.join(u' ');
    }
    args << QStringLiteral("--data-binary") << QStringLiteral("@-");
    return QStringLiteral("printf %s %1 | base64 -d | ")
               .arg(shellQuote(QString::fromLatin1(r.body.toBase64())))
        + args.join(u' ');
}

} // namespace mm
