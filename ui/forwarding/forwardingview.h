// SPDX-License-Identifier: GPL-3.0-or-later
// The forwarding log: where live deliveries are forwarded to (or that they are not), how
// many are pending, retrying or given up on, and the latest queue rows, newest followed.
#pragma once

#include <QWidget>

class QLabel;
class QPushButton;

namespace mm {

class FollowView;
class ForwardLogModel;

class ForwardingView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ForwardingView)

public:
    explicit ForwardingView(QWidget *parent = nullptr);

    // The rows to show (owned by the caller); nullptr shows none.
    void setModel(ForwardLogModel *model);
    // Where forwarding goes, e.g. "Forwarding to http://…, re-signed"; empty: it is off.
    void setState(const QString &description);
    // A problem with the forwarding queue (the store cannot be read, say); empty clears it.
    void setProblem(const QString &text);

    FollowView *table() const { return m_table; }
    QString stateText() const;
    QString countsText() const;

Q_SIGNALS:
    void retryRequested();
    void settingsRequested();

private:
    void updateCounts();

    ForwardLogModel *m_model = nullptr;
    QLabel *m_state;
    QLabel *m_counts;
    QLabel *m_problem;
    QPushButton *m_retry;
    FollowView *m_table;
    bool m_on = false;
};

} // namespace mm
