// SPDX-License-Identifier: GPL-3.0-or-later
#include "xvfb.h"

#include <QByteArrayList>
#include <QElapsedTimer>
#include <QProcess>
#include <QStandardPaths>

namespace mm::test {

QByteArray missingTools(std::initializer_list<const char *> tools)
{
    QByteArrayList missing;
    for (const char *tool : tools) {
        if (QStandardPaths::findExecutable(QString::fromLatin1(tool)).isEmpty())
            missing.append(tool);
    }
    if (missing.isEmpty())
        return {};
    return missing.join(", ") + " not installed (scripts/bootstrap.sh installs them)";
}

QString startXvfb(QProcess &process, int width, int height)
{
    process.start(QStringLiteral("Xvfb"),
                  {QStringLiteral("-displayfd"), QStringLiteral("1"), QStringLiteral("-screen"),
                   QStringLiteral("0"), QStringLiteral("%1x%2x24").arg(width).arg(height),
                   QStringLiteral("-nolisten"), QStringLiteral("tcp")});
    // Xvfb writes the display number once it accepts connections.
    QByteArray out;
    QElapsedTimer clock;
    clock.start();
    while (!out.contains('\n') && clock.elapsed() < 15000 && process.state() != QProcess::NotRunning) {
        process.waitForReadyRead(200);
        out += process.readAllStandardOutput();
    }
    bool ok = false;
    const int display = out.trimmed().toInt(&ok);
    return ok ? QStringLiteral(":%1").arg(display) : QString();
}

} // namespace mm::test
