// SPDX-License-Identifier: GPL-3.0-or-later
// The receiver's listening URL in the status bar: a lock when it is HTTPS, the URL
// (selectable) and a Copy button that confirms briefly with "Copied".
#pragma once

#include <QTimer>
#include <QWidget>

class QLabel;
class QToolButton;

namespace mm {

class ListenUrl final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ListenUrl)

public:
    static constexpr int CopiedFeedbackMs = 1500;

    explicit ListenUrl(QWidget *parent = nullptr);

    // Empty: not listening; the URL, the lock and the button hide.
    void setUrl(const QString &url);
    QString url() const { return m_url; }
    bool isSecure() const;

    QToolButton *copyButton() const { return m_copy; }

protected:
    void changeEvent(QEvent *event) override;

private:
    void copy();
    void updateLock();

    QString m_url;
    QLabel *m_lock = nullptr;
    QLabel *m_text = nullptr;
    QToolButton *m_copy = nullptr;
    QTimer m_copiedTimer;
};

} // namespace mm
