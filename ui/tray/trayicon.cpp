// SPDX-License-Identifier: GPL-3.0-or-later
#include "trayicon.h"

#include "windowlayout.h"

#include <QAction>
#include <QCoreApplication>
#include <QDesktopServices>
#include <QEvent>
#include <QFontMetricsF>
#include <QLocale>
#include <QMenu>
#include <QPainter>
#include <QPainterPath>
#include <QWidget>
#include <chrono>

namespace mm {

namespace {
// Fixed colours that read on light and dark panels alike: tray panels are not the
// application's palette.
const QColor GlyphColor(0x1f, 0x6f, 0xd1);
const QColor DownColor(0x8a, 0x8f, 0x98);
const QColor BadgeColor(0xd9, 0x30, 0x25);
constexpr int IconSizes[] = {16, 22, 24, 32, 48, 64};
} // namespace

std::unique_ptr<TrayIcon> TrayIcon::createIfAvailable(QWidget *window)
{
    if (!QSystemTrayIcon::isSystemTrayAvailable())
        return nullptr;
    auto tray = std::make_unique<TrayIcon>(window);
    tray->show();
    return tray;
}

TrayIcon::TrayIcon(QWidget *window, QObject *parent)
    : QObject(parent)
    , m_window(window)
{
    buildMenu();
    m_tray.setContextMenu(m_menu.get());
    connect(&m_tray, &QSystemTrayIcon::activated, this, [this](QSystemTrayIcon::ActivationReason reason) {
        if (reason != QSystemTrayIcon::Trigger && reason != QSystemTrayIcon::DoubleClick)
            return;
        if (m_messageClicked)
            showWindow(); // the click answered the balloon: the window must not toggle away
        else
            toggleWindow();
    });
    connect(&m_tray, &QSystemTrayIcon::messageClicked, this, [this] {
        // An XEmbed tray reports a click on the icon while a balloon is up as both the
        // balloon's click and an activation, in that order, within one mouse event.
        m_messageClicked = true;
        QTimer::singleShot(0, this, [this] { m_messageClicked = false; });
        showWindow();
        Q_EMIT messageClicked();
    });
    m_pauseEnd.setSingleShot(true);
    connect(&m_pauseEnd, &QTimer::timeout, this, [this] { setAlertsPausedUntil(QDateTime()); });
    if (window)
        window->installEventFilter(this);
    updateAttended();
    refresh();
}

TrayIcon::~TrayIcon()
{
    if (m_window)
        m_window->removeEventFilter(this);
}

void TrayIcon::show()
{
    m_tray.show();
}

void TrayIcon::buildMenu()
{
    m_menu = std::make_unique<QMenu>();
    QAction *show = m_menu->addAction(tr("&Show window"));
    connect(show, &QAction::triggered, this, &TrayIcon::showWindow);
    m_menu->setDefaultAction(show);
    m_menu->addSeparator();
    m_pause = m_menu->addAction(QString());
    m_pause->setCheckable(true);
    connect(m_pause, &QAction::triggered, this, [this](bool checked) {
        const QDateTime until = checked ? QDateTime::currentDateTime().addSecs(PauseSeconds) : QDateTime();
        setAlertsPausedUntil(until);
        Q_EMIT pauseAlertsRequested(until);
    });
    m_openData = m_menu->addAction(tr("Open &data folder"));
    m_openData->setEnabled(false);
    connect(m_openData, &QAction::triggered, this, [this] { QDesktopServices::openUrl(m_storeLocation); });
    m_menu->addSeparator();
    QAction *quit = m_menu->addAction(tr("&Quit"));
    // Quitting closes the window without a spontaneous close event, so it is not hidden to the tray.
    connect(quit, &QAction::triggered, this, [] { QCoreApplication::quit(); });
    showPause();
}

void TrayIcon::setStoreLocation(const QUrl &location)
{
    m_storeLocation = location;
    m_openData->setEnabled(location.isValid() && !location.isEmpty());
    m_openData->setToolTip(location.toDisplayString(QUrl::PreferLocalFile));
}

void TrayIcon::setAlertsPausedUntil(const QDateTime &until)
{
    const QDateTime now = QDateTime::currentDateTime();
    const QDateTime next = until.isValid() && until > now ? until : QDateTime();
    if (next.isValid())
        m_pauseEnd.start(std::chrono::milliseconds(now.msecsTo(next)));
    else
        m_pauseEnd.stop();
    if (m_health.setAlertsPausedUntil(next))
        refresh();
    showPause();
}

void TrayIcon::showPause()
{
    const QDateTime until = m_health.alertsPausedUntil();
    m_pause->setChecked(until.isValid());
    m_pause->setText(
        until.isValid()
            ? tr("Alerts &paused until %1").arg(QLocale().toString(until.time(), QLocale::ShortFormat))
            : tr("&Pause alerts for 1 hour"));
}

void TrayIcon::showMessage(const QString &title, const QString &body, bool critical)
{
    m_tray.showMessage(title, body, critical ? QSystemTrayIcon::Critical : QSystemTrayIcon::Information);
}

void TrayIcon::setListener(bool listening, const QUrl &url)
{
    if (m_health.setListener(listening, url))
        refresh();
}

void TrayIcon::noteDeliveries(const QList<EventFacts> &facts)
{
    if (m_health.noteDeliveries(facts))
        refresh();
}

void TrayIcon::toggleWindow()
{
    if (!m_window)
        return;
    if (m_window->isVisible() && !m_window->isMinimized())
        m_window->hide();
    else
        showWindow();
}

void TrayIcon::showWindow()
{
    if (!m_window)
        return;
    bringToFront(m_window);
    // Asking for the window is looking at it, even where the window manager keeps it inactive.
    if (m_health.clearUnseen())
        refresh();
}

bool TrayIcon::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_window) {
        switch (event->type()) {
        case QEvent::Show:
        case QEvent::Hide:
        case QEvent::WindowStateChange:
        case QEvent::ActivationChange:
            updateAttended();
            break;
        default:
            break;
        }
    }
    return QObject::eventFilter(watched, event);
}

void TrayIcon::updateAttended()
{
    const bool attended
        = m_window && m_window->isVisible() && !m_window->isMinimized() && m_window->isActiveWindow();
    if (m_health.setAttended(attended))
        refresh();
}

void TrayIcon::refresh()
{
    const int unseen = m_health.unseen().total();
    if (m_health.isListening() != m_iconListening || unseen != m_iconUnseen) {
        m_iconListening = m_health.isListening();
        m_iconUnseen = unseen;
        m_tray.setIcon(drawIcon(m_iconListening, unseen));
    }
    m_tray.setToolTip(m_health.toolTip(QDateTime::currentDateTime()));
    Q_EMIT changed();
}

QIcon TrayIcon::drawIcon(bool listening, int unseen)
{
    QIcon icon;
    const QString badge = TrayHealth::badgeText(unseen);
    for (int size : IconSizes)
        icon.addPixmap(drawPixmap(size, listening, badge));
    return icon;
}

QPixmap TrayIcon::drawPixmap(int size, bool listening, const QString &badge)
{
    QPixmap pixmap(size, size);
    pixmap.fill(Qt::transparent);
    QPainter p(&pixmap);
    p.setRenderHint(QPainter::Antialiasing);
    const qreal s = size;

    // The glyph: a rounded tile with an arrow, data moving from one place to another.
    const QRectF tile(s * 0.04, s * 0.04, s * 0.92, s * 0.92);
    p.setPen(Qt::NoPen);
    p.setBrush(listening ? GlyphColor : DownColor);
    p.drawRoundedRect(tile, s * 0.2, s * 0.2);
    QPen arrowPen(listening ? QColor(Qt::white) : QColor(255, 255, 255, 170), qMax(1.5, s * 0.11),
                  Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin);
    p.setPen(arrowPen);
    p.setBrush(Qt::NoBrush);
    QPainterPath arrow;
    arrow.moveTo(s * 0.24, s * 0.5);
    arrow.lineTo(s * 0.74, s * 0.5);
    arrow.moveTo(s * 0.54, s * 0.3);
    arrow.lineTo(s * 0.74, s * 0.5);
    arrow.lineTo(s * 0.54, s * 0.7);
    p.drawPath(arrow);
    if (!listening) {
        // Struck through, so the state does not rest on colour alone.
        p.setPen(QPen(QColor(0x40, 0x40, 0x40), qMax(1.5, s * 0.1), Qt::SolidLine, Qt::RoundCap));
        p.drawLine(QPointF(s * 0.18, s * 0.82), QPointF(s * 0.82, s * 0.18));
    }

    if (!badge.isEmpty()) {
        // A red pill in the bottom-right corner, as wide as its text needs, white-rimmed
        // so it stands apart from the glyph.
        const qreal h = s * 0.6;
        QFont font;
        font.setBold(true);
        int px = qMax(6, qRound(h * 0.78));
        font.setPixelSize(px);
        while (px > 6 && QFontMetricsF(font).horizontalAdvance(badge) > s - h * 0.3) {
            font.setPixelSize(--px);
        }
        const qreal w = qBound(h, QFontMetricsF(font).horizontalAdvance(badge) + h * 0.35, s);
        const qreal rim = qMax(1.0, s * 0.05);
        const QRectF pill(s - w + rim / 2, s - h + rim / 2, w - rim, h - rim);
        p.setPen(QPen(Qt::white, rim));
        p.setBrush(BadgeColor);
        p.drawRoundedRect(pill, pill.height() / 2, pill.height() / 2);
        p.setPen(Qt::white);
        p.setFont(font);
        p.drawText(pill, Qt::AlignCenter, badge);
    }
    return pixmap;
}

} // namespace mm
