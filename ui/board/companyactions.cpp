// SPDX-License-Identifier: GPL-3.0-or-later
#include "companyactions.h"

#include "model/companydirectory.h"
#include "model/modelroles.h"

#include <QAction>
#include <QInputDialog>
#include <QTableView>

namespace mm {

CompanyActions::CompanyActions(QWidget *window, QTableView *board, CompanyDirectory *directory)
    : QObject(window)
    , m_window(window)
    , m_board(board)
    , m_directory(directory)
    , m_name(new QAction(tr("&Name this company…"), board))
{
    m_name->setObjectName(QStringLiteral("nameCompany"));
    board->setContextMenuPolicy(Qt::ActionsContextMenu);
    board->addAction(m_name);
    connect(m_name, &QAction::triggered, this, &CompanyActions::nameCurrent);
    connect(board->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &CompanyActions::updateEnabled);
    connect(board->model(), &QAbstractItemModel::modelReset, this, &CompanyActions::updateEnabled);
    connect(m_directory, &CompanyDirectory::finished, this,
            [this](bool, const QString &text) { Q_EMIT message(text); });
    updateEnabled();
}

QString CompanyActions::currentCompany() const
{
    return m_board->currentIndex().data(CompanyIdRole).toString();
}

void CompanyActions::updateEnabled()
{
    m_name->setEnabled(!currentCompany().isEmpty());
}

void CompanyActions::nameCurrent()
{
    const QString id = currentCompany();
    if (id.isEmpty())
        return;
    const QString current = m_directory->names().name(id);
    bool ok = false;
    const QString name = QInputDialog::getText(
        m_window, tr("Name this company"),
        tr("Name for company %1 (shared with everyone who uses this store; empty removes it):").arg(id),
        QLineEdit::Normal, current, &ok);
    if (!ok || name.simplified() == current)
        return;
    m_directory->setName(id, name);
}

} // namespace mm
