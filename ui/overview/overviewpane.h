// SPDX-License-Identifier: GPL-3.0-or-later
// The Overview tab: the "Group by company" switch and a fit button above OverviewWidget.
#pragma once

#include <QWidget>

class QCheckBox;

namespace mm {

class MigrationFilterProxy;
class OverviewWidget;

class OverviewPane final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(OverviewPane)

public:
    explicit OverviewPane(MigrationFilterProxy *filtered, QWidget *parent = nullptr);

    OverviewWidget *view() const { return m_view; }
    QCheckBox *groupByCompany() const { return m_group; }

private:
    OverviewWidget *m_view;
    QCheckBox *m_group;
};

} // namespace mm
