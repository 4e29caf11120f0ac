// SPDX-License-Identifier: GPL-3.0-or-later
#include "companiespage.h"

#include "model/companydirectory.h"
#include "model/companynamesmodel.h"

#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

namespace mm {

CompaniesPage::CompaniesPage(CompanyDirectory *directory, const MigrationBook &book, QWidget *parent)
    : QWidget(parent)
    , m_directory(directory)
    , m_model(new CompanyNamesModel(directory, book, this))
    , m_table(new QTableView(this))
    , m_status(new QLabel(this))
{
    auto *layout = new QVBoxLayout(this);
    auto *intro
        = new QLabel(tr("Anon sends only company ids. Name them here (double-click a name) or from the "
                        "board's context menu. Names are saved in the store at once and shared with "
                        "everyone who uses it; clear a name to remove it."),
                     this);
    intro->setWordWrap(true);
    layout->addWidget(intro);

    m_table->setObjectName(QStringLiteral("companies"));
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed
                             | QAbstractItemView::AnyKeyPressed);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(CompanyNamesModel::Id, QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(CompanyNamesModel::Name, QHeaderView::Stretch);
    layout->addWidget(m_table, 1);

    auto *buttons = new QHBoxLayout;
    auto *importButton = new QPushButton(tr("&Import CSV…"), this);
    importButton->setToolTip(
        tr("Two columns with a header row: company_id,name. A bad row imports nothing."));
    auto *exportButton = new QPushButton(tr("E&xport CSV…"), this);
    buttons->addWidget(importButton);
    buttons->addWidget(exportButton);
    buttons->addStretch(1);
    layout->addLayout(buttons);
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_status);

    connect(importButton, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Import company names"), QString(),
                                                          tr("CSV files (*.csv);;All files (*)"));
        if (!path.isEmpty())
            importFrom(path);
    });
    connect(exportButton, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Export company names"),
                                                          QStringLiteral("company-names.csv"),
                                                          tr("CSV files (*.csv);;All files (*)"));
        if (!path.isEmpty())
            exportTo(path);
    });
    connect(m_directory, &CompanyDirectory::finished, this,
            [this](bool, const QString &message) { m_status->setText(message); });
}

QString CompaniesPage::status() const
{
    return m_status->text();
}

void CompaniesPage::importFrom(const QString &path)
{
    m_status->setText(tr("Importing %1…").arg(path));
    m_directory->importCsv(path);
}

void CompaniesPage::exportTo(const QString &path)
{
    m_status->setText(tr("Exporting to %1…").arg(path));
    m_directory->exportCsv(path);
}

} // namespace mm
