// SPDX-License-Identifier: GPL-3.0-or-later
// The system tray icon: draws TrayHealth's state (a glyph, a red badge with the unseen
// failures, grey while not listening), toggles the window on click and offers Show window,
// Pause alerts for 1 hour, Open data folder and Quit.
#pragma once

#include "tray/trayhealth.h"

#include <QDateTime>
#include <QIcon>
#include <QObject>
#include <QPointer>
#include <QSystemTrayIcon>
#include <QTimer>
#include <QUrl>
#include <memory>

class QAction;
class QMenu;

namespace mm {

class TrayIcon final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TrayIcon)

public:
    static constexpr int PauseSeconds = 3600;

    // A shown tray icon for window, or null when the desktop has no system tray.
    static std::unique_ptr<TrayIcon> createIfAvailable(QWidget *window);
    // The icon is created hidden; show() puts it in the tray.
    explicit TrayIcon(QWidget *window, QObject *parent = nullptr);
    ~TrayIcon() override;

    void show();
    bool isVisible() const { return m_tray.isVisible(); }
    const TrayHealth &health() const { return m_health; }
    QString toolTip() const { return m_tray.toolTip(); }
    QIcon icon() const { return m_tray.icon(); }
    QMenu *menu() const { return m_menu.get(); }
    QAction *pauseAction() const { return m_pause; }
    QAction *openDataAction() const { return m_openData; }

    // Where the store lives, for "Open data folder" (a local folder URL); empty disables the item.
    void setStoreLocation(const QUrl &location);
    // Shows a pause decided elsewhere (an invalid time: not paused) without emitting.
    void setAlertsPausedUntil(const QDateTime &until);
    // A balloon from the tray icon: the fallback when no notification server answers.
    void showMessage(const QString &title, const QString &body, bool critical);

    // The tray's icon for a state, drawn at 16 to 64 px.
    static QIcon drawIcon(bool listening, int unseen);
    static QPixmap drawPixmap(int size, bool listening, const QString &badge);

public Q_SLOTS:
    void setListener(bool listening, const QUrl &url);
    void noteDeliveries(const QList<mm::EventFacts> &facts);
    // Hides a shown window; shows, raises and activates a hidden or minimised one.
    void toggleWindow();
    void showWindow();

Q_SIGNALS:
    // From the menu: mute alerts until this time, or (an invalid time) resume them.
    void pauseAlertsRequested(const QDateTime &until);
    // The user clicked a balloon from showMessage().
    void messageClicked();
    // The icon or tooltip changed.
    void changed();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void buildMenu();
    void updateAttended();
    void showPause();
    void refresh();

    QPointer<QWidget> m_window;
    TrayHealth m_health;
    QSystemTrayIcon m_tray;
    std::unique_ptr<QMenu> m_menu; // a tray menu has no parent widget
    QAction *m_pause = nullptr;
    QAction *m_openData = nullptr;
    QTimer m_pauseEnd;
    QUrl m_storeLocation;
    bool m_messageClicked = false; // during the event that clicked a balloon
    // What the icon shows now, so it is only redrawn when that changes.
    bool m_iconListening = false;
    int m_iconUnseen = -1;
};

} // namespace mm
