// SPDX-License-Identifier: GPL-3.0-or-later
#include "filterbar.h"

#include <QComboBox>
#include <QCompleter>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QToolButton>

namespace mm {

EventFilter FilterState::eventFilter() const
{
    EventFilter f;
    const CompanyTerm term = takeCompanyTerm(text); // "company:acme" narrows by company id or name
    f.text = term.rest;
    f.company = term.company;
    if (!type.isEmpty())
        f.types.insert(type);
    if (!status.isEmpty())
        f.statuses.insert(statusFromString(status));
    f.migration = migration.trimmed();
    return f;
}

MigrationFilter FilterState::migrationFilter() const
{
    MigrationFilter f;
    const CompanyTerm term = takeCompanyTerm(text);
    // The board has no type column: the text and the migration field both narrow it.
    f.text = migration.trimmed().isEmpty() ? term.rest : migration.trimmed();
    f.company = term.company;
    if (!status.isEmpty())
        f.statuses.insert(statusFromString(status));
    return f;
}

FilterBar::FilterBar(QWidget *parent)
    : QWidget(parent)
    , m_text(new QLineEdit(this))
    , m_type(new QComboBox(this))
    , m_status(new QComboBox(this))
    , m_migration(new QLineEdit(this))
{
    m_text->setPlaceholderText(tr("Filter: id, company, type, error; company:NAME… (Ctrl+F)"));
    m_text->setClearButtonEnabled(true);
    m_text->setAccessibleName(tr("Filter text"));

    m_type->addItem(tr("All event types"), QString());
    for (const char *type : {"migration.created", "migration.started", "migration_task.failed",
                             "migration.completed", "migration.failed", "svix.ping"})
        m_type->addItem(QString::fromLatin1(type), QString::fromLatin1(type));
    m_type->setAccessibleName(tr("Event type"));

    m_status->addItem(tr("Any status"), QString());
    for (MigrationStatus s :
         {MigrationStatus::NotStarted, MigrationStatus::Working, MigrationStatus::Complete,
          MigrationStatus::CompletedWithFailures, MigrationStatus::Failed})
        m_status->addItem(statusDisplayName(s), statusToString(s));
    m_status->setAccessibleName(tr("Status"));

    m_migration->setPlaceholderText(tr("Migration id"));
    m_migration->setClearButtonEnabled(true);
    m_migration->setAccessibleName(tr("Migration"));

    auto *reset = new QToolButton(this);
    reset->setText(tr("Clear filters"));
    reset->setToolTip(tr("Show everything again"));
    connect(reset, &QToolButton::clicked, this, [this] { setState({}); });

    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(6, 4, 6, 4);
    layout->addWidget(m_text, 3);
    layout->addWidget(m_type, 1);
    layout->addWidget(m_status, 1);
    layout->addWidget(m_migration, 2);
    layout->addWidget(reset);

    connect(m_text, &QLineEdit::textChanged, this, &FilterBar::emitChanged);
    connect(m_migration, &QLineEdit::textChanged, this, &FilterBar::emitChanged);
    connect(m_type, &QComboBox::currentIndexChanged, this, &FilterBar::emitChanged);
    connect(m_status, &QComboBox::currentIndexChanged, this, &FilterBar::emitChanged);
}

FilterState FilterBar::state() const
{
    return FilterState {m_text->text(), m_type->currentData().toString(), m_status->currentData().toString(),
                        m_migration->text()};
}

void FilterBar::setState(const FilterState &state)
{
    if (state == this->state())
        return;
    m_settingState = true;
    m_text->setText(state.text);
    // Values no longer offered (a saved type from an older version) fall back to "all".
    m_type->setCurrentIndex(std::max(0, m_type->findData(state.type)));
    m_status->setCurrentIndex(std::max(0, m_status->findData(state.status)));
    m_migration->setText(state.migration);
    m_settingState = false;
    emitChanged();
}

void FilterBar::setMigrationCompletions(QAbstractItemModel *model, int column)
{
    auto *completer = new QCompleter(model, m_migration);
    completer->setCompletionColumn(column);
    completer->setCaseSensitivity(Qt::CaseInsensitive);
    completer->setFilterMode(Qt::MatchContains);
    m_migration->setCompleter(completer);
}

void FilterBar::focusText()
{
    m_text->setFocus(Qt::ShortcutFocusReason);
    m_text->selectAll();
}

void FilterBar::emitChanged()
{
    if (!m_settingState)
        Q_EMIT changed(state());
}

} // namespace mm
