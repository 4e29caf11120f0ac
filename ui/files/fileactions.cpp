// SPDX-License-Identifier: GPL-3.0-or-later
#include "fileactions.h"

#include <QAction>
#include <QDateTime>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QWidget>

namespace mm {

namespace {
QString stampedName(const QString &suffix)
{
    return QDir::home().filePath(
        QStringLiteral("deliveries-%1.%2")
            .arg(QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss")), suffix));
}
} // namespace

FileActions::FileActions(QWidget *window, MonitorModel *model)
    : QObject(window)
    , m_window(window)
    , m_model(model)
    , m_import(new QAction(tr("&Import JSON Lines…"), window))
    , m_exportAll(new QAction(tr("Export all as JSON &Lines…"), window))
    , m_exportHar(new QAction(tr("Export all as &HAR…"), window))
{
    m_import->setObjectName(QStringLiteral("importJsonl"));
    m_import->setShortcut(QKeySequence(tr("Ctrl+I")));
    m_import->setToolTip(tr("Adds the deliveries of an --export file to the store; ones already stored "
                            "are skipped"));
    m_exportAll->setObjectName(QStringLiteral("exportAllJsonl"));
    m_exportHar->setObjectName(QStringLiteral("exportAllHar"));
    m_exportHar->setToolTip(tr("An HTTP Archive (HAR 1.2) for browser and proxy tools; signatures are "
                               "masked"));
    connect(m_import, &QAction::triggered, this, &FileActions::chooseImport);
    connect(m_exportAll, &QAction::triggered, this,
            [this] { chooseExport(MonitorModel::ExportFormat::JsonLines); });
    connect(m_exportHar, &QAction::triggered, this,
            [this] { chooseExport(MonitorModel::ExportFormat::Har); });
    // Export results are reported by EventActions, which hears every export the model makes.
    connect(model, &MonitorModel::importFinished, this, &FileActions::onImported);
    setStoreAvailable(false);
}

void FileActions::setStoreAvailable(bool available)
{
    m_storeAvailable = available;
    m_import->setEnabled(available && !m_importing);
    m_exportAll->setEnabled(available);
    m_exportHar->setEnabled(available);
}

void FileActions::chooseImport()
{
    const QString path = QFileDialog::getOpenFileName(m_window, tr("Import JSON Lines"), QDir::homePath(),
                                                      tr("JSON Lines (*.jsonl *.ndjson);;All files (*)"));
    if (!path.isEmpty())
        importFrom(path);
}

void FileActions::importFrom(const QString &path)
{
    if (!m_storeAvailable || m_importing)
        return;
    m_importing = true;
    m_import->setEnabled(false);
    Q_EMIT message(tr("Importing %1…").arg(QDir::toNativeSeparators(path)));
    m_model->importJsonl(path);
}

void FileActions::onImported(const ImportReport &report)
{
    m_importing = false;
    m_import->setEnabled(m_storeAvailable);
    const QString name = QFileInfo(report.path).fileName();
    const QString summary = tr("%1: %2.").arg(name, report.summary());
    Q_EMIT message(summary);
    if (!report.result) {
        Q_EMIT problem(tr("Import failed."), report.summary());
    } else if (report.result->invalid > 0) {
        QString text = report.summary() + u'.';
        if (report.result->errors.size() > 1)
            text += u'\n' + report.result->errors.join(u'\n');
        Q_EMIT problem(tr("%1 had lines that could not be imported.").arg(name), text);
    }
}

void FileActions::chooseExport(MonitorModel::ExportFormat format)
{
    const bool har = format == MonitorModel::ExportFormat::Har;
    const QString path = QFileDialog::getSaveFileName(
        m_window, har ? tr("Export all as HAR") : tr("Export all as JSON Lines"),
        stampedName(har ? QStringLiteral("har") : QStringLiteral("jsonl")),
        har ? tr("HTTP Archive (*.har);;All files (*)") : tr("JSON Lines (*.jsonl);;All files (*)"));
    if (!path.isEmpty())
        exportAllTo(path, format);
}

void FileActions::exportAllTo(const QString &path, MonitorModel::ExportFormat format)
{
    if (!m_storeAvailable)
        return;
    Q_EMIT message(tr("Exporting every stored delivery to %1…").arg(QDir::toNativeSeparators(path)));
    m_model->exportAll(path, format);
}

} // namespace mm
