// SPDX-License-Identifier: GPL-3.0-or-later
#include "followview.h"

#include <QKeyEvent>
#include <QPushButton>
#include <QScrollBar>

namespace mm {

FollowView::FollowView(QWidget *parent)
    : QTableView(parent)
    , m_pill(new QPushButton(this))
{
    m_pill->setCursor(Qt::PointingHandCursor);
    m_pill->setFocusPolicy(Qt::NoFocus);
    m_pill->hide();
    // Rounded and raised over the rows, in the palette's highlight colours (light or dark).
    m_pill->setStyleSheet(
        QStringLiteral("QPushButton { background: palette(highlight); color: palette(highlighted-text);"
                       " border-radius: 11px; padding: 3px 14px; font-weight: bold; }"));
    connect(m_pill, &QPushButton::clicked, this, &FollowView::follow);
    connect(verticalScrollBar(), &QScrollBar::valueChanged, this, &FollowView::onScrolled);
}

void FollowView::setModel(QAbstractItemModel *model)
{
    disconnect(m_rowsConnection);
    QTableView::setModel(model);
    if (model)
        m_rowsConnection = connect(model, &QAbstractItemModel::rowsInserted, this,
                                   [this](const QModelIndex &parent, int first, int last) {
                                       if (!parent.isValid())
                                           onRowsInserted(last - first + 1);
                                   });
    m_newRows = 0;
    updatePill();
}

void FollowView::follow()
{
    m_newRows = 0;
    setFollowing(true);
    m_autoScrolling = true;
    scrollToBottom();
    m_autoScrolling = false;
    updatePill();
}

void FollowView::pause()
{
    setFollowing(false);
    updatePill();
}

void FollowView::onRowsInserted(int count)
{
    if (m_following) {
        m_autoScrolling = true;
        scrollToBottom();
        m_autoScrolling = false;
        return;
    }
    m_newRows += count;
    updatePill();
}

void FollowView::onScrolled(int value)
{
    if (m_autoScrolling)
        return;
    // The user moved the view: reaching the bottom resumes, anything else pauses.
    const bool atBottom = value >= verticalScrollBar()->maximum();
    if (atBottom == m_following)
        return;
    if (atBottom)
        m_newRows = 0;
    setFollowing(atBottom);
    updatePill();
}

void FollowView::setFollowing(bool following)
{
    if (following == m_following)
        return;
    m_following = following;
    Q_EMIT followingChanged(following);
}

void FollowView::keyPressEvent(QKeyEvent *event)
{
    if (event->key() == Qt::Key_Space && event->modifiers() == Qt::NoModifier) {
        if (m_following)
            pause();
        else
            follow();
        event->accept();
        return;
    }
    QTableView::keyPressEvent(event);
}

void FollowView::resizeEvent(QResizeEvent *event)
{
    QTableView::resizeEvent(event);
    updatePill();
}

void FollowView::updatePill()
{
    if (m_following) {
        m_pill->hide();
        return;
    }
    m_pill->setText(m_newRows > 0 ? tr("%Ln new ↓", nullptr, m_newRows) : tr("Paused · Space to follow"));
    m_pill->setToolTip(tr("Jump to the newest row and follow new ones (Space)"));
    m_pill->adjustSize();
    const QRect area = viewport()->geometry();
    m_pill->move(area.center().x() - m_pill->width() / 2, area.bottom() - m_pill->height() - 8);
    m_pill->show();
    m_pill->raise();
}

} // namespace mm
