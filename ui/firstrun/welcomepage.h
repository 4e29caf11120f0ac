// SPDX-License-Identifier: GPL-3.0-or-later
// The first-run page, shown while no signing secret is configured: where the secret is
// in the Anon dashboard, which URL to give Anon (with copyable tunnel commands), a field
// for the secret and a way into the demo. It only asks; the session saves and applies.
#pragma once

#include <QUrl>
#include <QWidget>

class QLabel;
class QLineEdit;
class QPushButton;

namespace mm {

class WelcomePage final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(WelcomePage)

public:
    explicit WelcomePage(QWidget *parent = nullptr);

    // The receiver's own URL (scheme, address, port and path); the commands follow it.
    void setListenUrl(const QUrl &url);
    // Shown under the URL, e.g. why the receiver is not running; empty hides it.
    void setReceiverStatus(const QString &text);
    // What the first deliveries say about the connection (ConnectionCheck), above the secret
    // field; empty hides it.
    void setConnectionStatus(const QString &text);
    QString connectionStatus() const;
    // Shown under the secret field; empty hides it.
    void setError(const QString &text);
    QString error() const;

    QString svixCommand() const;
    QString cloudflaredCommand() const;

Q_SIGNALS:
    // A secret that parses; the receiver of this signal saves and applies it.
    void secretSubmitted(const QString &text);
    void demoRequested();
    void settingsRequested();

private:
    void submit();
    QWidget *commandRow(QLineEdit **field, const QString &name);
    QLabel *paragraph(const QString &text);

    QUrl m_url;
    QLabel *m_urlLabel = nullptr;
    QLabel *m_status = nullptr;
    QLabel *m_cloudflaredHint = nullptr;
    QLineEdit *m_svix = nullptr;
    QLineEdit *m_cloudflared = nullptr;
    QLineEdit *m_secret = nullptr;
    QLabel *m_error = nullptr;
    QLabel *m_connection = nullptr;
};

} // namespace mm
