// SPDX-License-Identifier: GPL-3.0-or-later
#include "inspectortext.h"

#include "verify/headermask.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QLocale>
#include <QStringDecoder>

namespace mm::inspect {

namespace {
QString tr(const char *text)
{
    return QCoreApplication::translate("mm::inspect", text);
}

} // namespace

std::optional<QString> decodeUtf8(const QByteArray &bytes)
{
    if (bytes.contains('\0'))
        return std::nullopt;
    // ConvertInitialBom keeps a leading BOM in the text instead of dropping it (byte-exact);
    // Stateless makes a sequence cut off at the end an error rather than pending input.
    QStringDecoder decoder(QStringConverter::Utf8,
                           QStringConverter::Flag::ConvertInitialBom | QStringConverter::Flag::Stateless);
    QString text = decoder.decode(bytes);
    if (decoder.hasError())
        return std::nullopt;
    return text;
}

QString hexDump(QByteArrayView bytes, qsizetype maxBytes)
{
    const qsizetype n = maxBytes < 0 ? bytes.size() : std::min(bytes.size(), maxBytes);
    QString out;
    out.reserve((n / 16 + 1) * 78);
    for (qsizetype line = 0; line < n; line += 16) {
        out += QString::number(line, 16).rightJustified(8, u'0') + QStringLiteral("  ");
        QString ascii;
        for (qsizetype i = line; i < line + 16; ++i) {
            if (i < n) {
                const auto b = quint8(bytes[i]);
                out += QString::number(b, 16).rightJustified(2, u'0') + u' ';
                ascii += (b >= 0x20 && b < 0x7f) ? QChar(ushort(b)) : QChar(u'.');
            } else {
                out += QStringLiteral("   ");
            }
            if (i == line + 7)
                out += u' ';
        }
        out += QStringLiteral(" |") + ascii + QStringLiteral("|\n");
    }
    return out;
}

QString localTimeUs(qint64 us)
{
    return QDateTime::fromMSecsSinceEpoch(us / 1000).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz"));
}

QString skewText(qint64 receivedUs, qint64 timestampHeader)
{
    if (timestampHeader <= 0)
        return {};
    const double skew = double(receivedUs - timestampHeader * 1000000) / 1e6;
    const QString number = QLocale().toString(skew, 'f', 1);
    return tr("%1 s").arg(skew >= 0 ? u'+' + number : number);
}

QString secretLabel(int secretIndex, const QStringList &hints)
{
    if (secretIndex < 0)
        return QStringLiteral("—");
    const QString number = u'#' + QString::number(secretIndex + 1);
    if (secretIndex >= hints.size() || hints.at(secretIndex).isEmpty())
        return tr("%1 (not configured now)").arg(number);
    QString hint = hints.at(secretIndex);
    if (!hint.startsWith(u'…'))
        hint.prepend(u'…');
    return QStringLiteral("%1 (%2)").arg(number, hint);
}

QByteArray displayedHeaderValue(QByteArrayView name, QByteArrayView value)
{
    return maskedHeaderValue(name, value); // masked again: never trust that the store did
}

QString verificationText(const DeliveryDetail &detail, const QStringList &hints)
{
    if (detail.attempts.isEmpty())
        return tr("No attempts were recorded for this delivery.");
    QList<int> indices;
    for (const AttemptInfo &a : detail.attempts) {
        if (a.secretIndex >= 0 && !indices.contains(a.secretIndex))
            indices.append(a.secretIndex);
    }
    QString verified;
    if (indices.isEmpty()) {
        verified = tr("The signature was verified on receipt, but which secret matched was not recorded.");
    } else if (indices.size() == 1) {
        verified = tr("Signature verified with secret %1.").arg(secretLabel(indices.first(), hints));
    } else {
        QStringList labels;
        for (int i : indices)
            labels.append(secretLabel(i, hints));
        verified = tr("Signatures verified with secrets %1.").arg(labels.join(QStringLiteral(", ")));
    }
    const AttemptInfo &first = detail.attempts.first();
    const qsizetype n = detail.attempts.size();
    const QString received = n == 1
        ? tr("Received once, at %1.").arg(localTimeUs(first.receivedUs))
        : tr("Received %1 times; first at %2, last at %3.")
              .arg(n)
              .arg(localTimeUs(first.receivedUs), localTimeUs(detail.attempts.last().receivedUs));
    return verified + u' ' + received;
}

} // namespace mm::inspect
