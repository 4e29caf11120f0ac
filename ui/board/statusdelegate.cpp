// SPDX-License-Identifier: GPL-3.0-or-later
#include "statusdelegate.h"

#include "model/migrationstatus.h"
#include "model/modelroles.h"

#include <QApplication>
#include <QPainter>

namespace mm {

namespace {
QColor badgeColor(MigrationStatus s)
{
    switch (s) {
    case MigrationStatus::NotStarted:
        return QColor(0x6c, 0x75, 0x7d);
    case MigrationStatus::Working:
        return QColor(0x0d, 0x6e, 0xfd);
    case MigrationStatus::Complete:
        return QColor(0x19, 0x87, 0x54);
    case MigrationStatus::CompletedWithFailures:
        return QColor(0xcc, 0x8a, 0x00);
    case MigrationStatus::Failed:
        return QColor(0xdc, 0x35, 0x45);
    case MigrationStatus::Unknown:
        break;
    }
    return QColor(0x6c, 0x75, 0x7d);
}
} // namespace

void StatusDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option,
                           const QModelIndex &index) const
{
    QStyleOptionViewItem opt(option);
    initStyleOption(&opt, index);
    const QString text = opt.text;
    opt.text.clear();
    // Background and selection only; the badge replaces the text.
    const QStyle *style = opt.widget ? opt.widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, opt.widget);

    const auto status = MigrationStatus(index.data(StatusRole).toInt());
    const QColor color = badgeColor(status);
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    const QRect r = opt.rect.adjusted(4, 3, -4, -3);
    const int width = std::min(r.width(), opt.fontMetrics.horizontalAdvance(text) + 16);
    const QRect badge(r.left(), r.top(), width, r.height());
    painter->setPen(Qt::NoPen);
    painter->setBrush(color);
    painter->drawRoundedRect(badge, badge.height() / 2.0, badge.height() / 2.0);
    painter->setPen(Qt::white);
    painter->drawText(badge, Qt::AlignCenter, text);
    painter->restore();
}

} // namespace mm
