// SPDX-License-Identifier: GPL-3.0-or-later
// A table that keeps its newest row in sight while it is following, and stops when the
// user scrolls away or presses Space; a "N new" pill then counts arrivals and jumps back.
#pragma once

#include <QTableView>

class QPushButton;

namespace mm {

class FollowView final : public QTableView
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FollowView)

public:
    explicit FollowView(QWidget *parent = nullptr);

    void setModel(QAbstractItemModel *model) override;
    bool isFollowing() const { return m_following; }
    int newRows() const { return m_newRows; }
    // Starts following again: jumps to the newest row and hides the pill.
    void follow();
    void pause();

Q_SIGNALS:
    void followingChanged(bool following);

protected:
    void keyPressEvent(QKeyEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;

private:
    void onRowsInserted(int count);
    void onScrolled(int value);
    void setFollowing(bool following);
    void updatePill();

    QPushButton *m_pill;
    QMetaObject::Connection m_rowsConnection;
    bool m_following = true;
    bool m_autoScrolling = false;
    int m_newRows = 0;
};

} // namespace mm
