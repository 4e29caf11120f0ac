// SPDX-License-Identifier: GPL-3.0-or-later
#include "listenurl.h"

#include <QClipboard>
#include <QEvent>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QIcon>
#include <QLabel>
#include <QPainter>
#include <QToolButton>
#include <QUrl>

namespace mm {

namespace {
// A padlock as tall as a line of text, in the text colour: icon themes are not everywhere.
QPixmap lockPixmap(const QWidget *widget)
{
    const int side = widget->fontMetrics().height();
    const qreal dpr = widget->devicePixelRatioF();
    const QIcon themed = QIcon::fromTheme(QStringLiteral("channel-secure-symbolic"));
    if (!themed.isNull())
        return themed.pixmap(QSize(side, side), dpr);
    QPixmap pixmap(QSize(side, side) * dpr);
    pixmap.setDevicePixelRatio(dpr);
    pixmap.fill(Qt::transparent);
    QPainter p(&pixmap);
    p.setRenderHint(QPainter::Antialiasing);
    const QColor ink = widget->palette().color(QPalette::WindowText);
    const qreal s = side;
    const QRectF body(s * 0.2, s * 0.45, s * 0.6, s * 0.45);
    p.setPen(QPen(ink, std::max(1.0, s / 9.0)));
    p.setBrush(Qt::NoBrush);
    p.drawArc(QRectF(s * 0.3, s * 0.12, s * 0.4, s * 0.6), 0, 180 * 16);
    p.drawLine(QPointF(s * 0.3, s * 0.42), QPointF(s * 0.3, s * 0.47));
    p.drawLine(QPointF(s * 0.7, s * 0.42), QPointF(s * 0.7, s * 0.47));
    p.setPen(Qt::NoPen);
    p.setBrush(ink);
    p.drawRoundedRect(body, s * 0.08, s * 0.08);
    return pixmap;
}
} // namespace

ListenUrl::ListenUrl(QWidget *parent)
    : QWidget(parent)
{
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_lock = new QLabel(this);
    m_lock->setToolTip(tr("HTTPS: deliveries arrive encrypted"));
    m_lock->setAccessibleName(tr("Secure connection"));
    m_text = new QLabel(this);
    m_text->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    m_copy = new QToolButton(this);
    m_copy->setText(tr("Copy"));
    m_copy->setIcon(QIcon::fromTheme(QStringLiteral("edit-copy")));
    m_copy->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_copy->setAutoRaise(true);
    m_copy->setFocusPolicy(Qt::StrongFocus);
    m_copy->setToolTip(tr("Copy the listening URL, to paste as the endpoint in the Anon dashboard"));
    layout->addWidget(m_lock);
    layout->addWidget(m_text);
    layout->addWidget(m_copy);
    layout->addStretch(1);

    m_copiedTimer.setSingleShot(true);
    m_copiedTimer.setInterval(CopiedFeedbackMs);
    connect(&m_copiedTimer, &QTimer::timeout, m_copy, [this] { m_copy->setText(tr("Copy")); });
    connect(m_copy, &QToolButton::clicked, this, &ListenUrl::copy);
    setUrl({});
}

void ListenUrl::setUrl(const QString &url)
{
    m_url = url;
    m_text->setText(url.isEmpty() ? QString() : tr("Listening on %1").arg(url));
    m_text->setVisible(!url.isEmpty());
    m_copy->setVisible(!url.isEmpty());
    m_lock->setVisible(isSecure());
    updateLock();
}

bool ListenUrl::isSecure() const
{
    return QUrl(m_url).scheme().compare(u"https", Qt::CaseInsensitive) == 0;
}

void ListenUrl::copy()
{
    if (m_url.isEmpty())
        return;
    QGuiApplication::clipboard()->setText(m_url);
    m_copy->setText(tr("Copied"));
    m_copiedTimer.start();
}

void ListenUrl::updateLock()
{
    if (isSecure())
        m_lock->setPixmap(lockPixmap(this));
}

void ListenUrl::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::FontChange)
        updateLock();
    QWidget::changeEvent(event);
}

} // namespace mm
