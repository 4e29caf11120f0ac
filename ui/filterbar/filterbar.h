// SPDX-License-Identifier: GPL-3.0-or-later
// The filter bar over the board, the event log and the rejected deliveries: free text
// (Ctrl+F), event type, status and migration. Its state is a plain value the window saves.
#pragma once

#include "model/eventfilter.h"
#include "model/migrationfilter.h"

#include <QWidget>

class QAbstractItemModel;
class QComboBox;
class QLineEdit;

namespace mm {

struct FilterState
{
    QString text;
    QString type; // an event type, or empty for all
    QString status; // a MigrationStatus in the vendor's spelling ("FAILED"), or empty for any
    QString migration; // a migration id or part of one

    bool operator==(const FilterState &) const = default;
    EventFilter eventFilter() const;
    MigrationFilter migrationFilter() const;
};

class FilterBar final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FilterBar)

public:
    explicit FilterBar(QWidget *parent = nullptr);

    FilterState state() const;
    void setState(const FilterState &state);
    // Offers the ids in this model's first column as completions for the migration field.
    void setMigrationCompletions(QAbstractItemModel *model, int column);
    void focusText();

Q_SIGNALS:
    void changed(const mm::FilterState &state);

private:
    void emitChanged();

    QLineEdit *m_text;
    QComboBox *m_type;
    QComboBox *m_status;
    QLineEdit *m_migration;
    bool m_settingState = false;
};

} // namespace mm

Q_DECLARE_METATYPE(mm::FilterState)
