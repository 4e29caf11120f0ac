// SPDX-License-Identifier: GPL-3.0-or-later
// The File menu's store-wide commands: import a JSON Lines export, and export every stored
// delivery as JSON Lines or as an HTTP Archive. The model does the reading and writing off
// the GUI thread; this asks for file names and reports how it went.
#pragma once

#include "model/monitormodel.h"

#include <QObject>

class QAction;
class QWidget;

namespace mm {

class FileActions final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FileActions)

public:
    FileActions(QWidget *window, MonitorModel *model);

    void setStoreAvailable(bool available);

    QAction *importAction() const { return m_import; }
    QAction *exportAllAction() const { return m_exportAll; }
    QAction *exportAllHarAction() const { return m_exportHar; }

    // What the actions do once a file is chosen.
    void importFrom(const QString &path);
    void exportAllTo(const QString &path, MonitorModel::ExportFormat format);
    bool isImporting() const { return m_importing; }

Q_SIGNALS:
    void message(const QString &text);
    // Something the user should read, not just glimpse: an import with unreadable lines, say.
    void problem(const QString &title, const QString &text);

private:
    void chooseImport();
    void chooseExport(MonitorModel::ExportFormat format);
    void onImported(const ImportReport &report);

    QWidget *m_window;
    MonitorModel *m_model;
    bool m_storeAvailable = false;
    QAction *m_import;
    QAction *m_exportAll;
    QAction *m_exportHar;
    bool m_importing = false;
};

} // namespace mm
