// SPDX-License-Identifier: GPL-3.0-or-later
// The main window's standing warnings about this computer (a full disk, a clock that disagrees
// with the sender's): one banner under the problem banner, a line per warning, until cleared.
#include "mainwindow.h"

#include <QLabel>
#include <QVBoxLayout>

namespace mm {

void MainWindow::setWarning(const QString &key, const QString &text)
{
    if (m_warnings.value(key) == text)
        return; // told again at every commit: nothing to redraw
    if (text.isEmpty())
        m_warnings.remove(key);
    else
        m_warnings.insert(key, text);
    if (!m_warningBanner) {
        if (m_warnings.isEmpty())
            return;
        auto *layout = qobject_cast<QVBoxLayout *>(m_problemBanner->parentWidget()->layout());
        Q_ASSERT(layout);
        m_warningBanner = new QLabel(m_problemBanner->parentWidget());
        m_warningBanner->setObjectName(QStringLiteral("warningBanner"));
        m_warningBanner->setWordWrap(true);
        m_warningBanner->setTextFormat(Qt::PlainText);
        m_warningBanner->setTextInteractionFlags(Qt::TextSelectableByMouse);
        m_warningBanner->setMargin(fontMetrics().height() / 2);
        // Both colours are set, so it reads the same on light and dark palettes.
        m_warningBanner->setStyleSheet(QStringLiteral("background:#fff3cd; color:#664d03;"));
        layout->insertWidget(layout->indexOf(m_problemBanner) + 1, m_warningBanner);
    }
    m_warningBanner->setText(warningText());
    m_warningBanner->setVisible(!m_warnings.isEmpty());
}

QString MainWindow::warningText() const
{
    QStringList lines;
    for (const QString &text : m_warnings)
        lines.append(text);
    return lines.join(u'\n');
}

} // namespace mm
