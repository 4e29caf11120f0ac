// SPDX-License-Identifier: GPL-3.0-or-later
// A read-only tree over one JSON document for the inspector: a row per member or element
// with its key, its value as JSON text and its type. Built once per document (model reset).
#pragma once

#include <QAbstractItemModel>
#include <QJsonDocument>
#include <QJsonValue>
#include <memory>

namespace mm {

class JsonTreeModel final : public QAbstractItemModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(JsonTreeModel)

public:
    enum Column { Key, Value, Type, ColumnCount };
    enum Role {
        CopyTextRole = Qt::UserRole, // what "Copy value" puts on the clipboard: strings unquoted,
                                     // containers as indented JSON, anything else as JSON
        PathRole, // where the item sits, e.g. data.items[0].id
        JsonTypeRole, // QJsonValue::Type as int
    };

    explicit JsonTreeModel(QObject *parent = nullptr);
    ~JsonTreeModel() override;

    // Replaces the tree with the document's top-level members (or elements).
    void setDocument(const QJsonDocument &document);
    void clear();

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;

    static QString typeName(QJsonValue::Type type);

private:
    struct Node;
    const Node *nodeFor(const QModelIndex &index) const;
    QString path(const Node *node) const;

    std::unique_ptr<Node> m_root;
};

} // namespace mm
