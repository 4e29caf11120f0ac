// SPDX-License-Identifier: GPL-3.0-or-later
#include "jsontreemodel.h"

#include <QJsonArray>
#include <QJsonObject>
#include <vector>

namespace mm {

namespace {
// Long strings are cut in the view so rows stay light; Copy still gives the whole value.
constexpr qsizetype MaxDisplayChars = 500;

// A scalar as it is written in JSON (strings quoted and escaped, numbers in shortest form).
QString scalarJson(const QJsonValue &value)
{
    const QByteArray wrapped = QJsonDocument(QJsonArray {value}).toJson(QJsonDocument::Compact);
    return QString::fromUtf8(wrapped.sliced(1, wrapped.size() - 2));
}

bool isIdentifier(const QString &key)
{
    if (key.isEmpty() || key.front().isDigit())
        return false;
    for (QChar c : key) {
        if (!(c.isLetterOrNumber() || c == u'_' || c == u'$' || c == u'-'))
            return false;
    }
    return true;
}
} // namespace

struct JsonTreeModel::Node
{
    const Node *parent = nullptr;
    int row = 0;
    QString key; // member name; empty for array elements
    bool element = false; // an array element, known by its row
    QJsonValue value;
    std::vector<std::unique_ptr<Node>> children;

    void addChild(QString childKey, bool isElement, const QJsonValue &childValue)
    {
        auto child = std::make_unique<Node>();
        child->parent = this;
        child->row = int(children.size());
        child->key = std::move(childKey);
        child->element = isElement;
        child->value = childValue;
        child->build();
        children.push_back(std::move(child));
    }

    void build()
    {
        if (value.isObject()) {
            const QJsonObject object = value.toObject();
            for (auto it = object.begin(); it != object.end(); ++it)
                addChild(it.key(), false, it.value());
        } else if (value.isArray()) {
            const QJsonArray array = value.toArray();
            for (const QJsonValue &v : array)
                addChild(QString(), true, v);
        }
    }
};

JsonTreeModel::JsonTreeModel(QObject *parent)
    : QAbstractItemModel(parent)
    , m_root(std::make_unique<Node>())
{
}

JsonTreeModel::~JsonTreeModel() = default;

void JsonTreeModel::setDocument(const QJsonDocument &document)
{
    beginResetModel();
    m_root = std::make_unique<Node>();
    if (document.isObject())
        m_root->value = document.object();
    else if (document.isArray())
        m_root->value = document.array();
    m_root->build();
    endResetModel();
}

void JsonTreeModel::clear()
{
    setDocument(QJsonDocument());
}

const JsonTreeModel::Node *JsonTreeModel::nodeFor(const QModelIndex &index) const
{
    return index.isValid() ? static_cast<const Node *>(index.internalPointer()) : m_root.get();
}

QModelIndex JsonTreeModel::index(int row, int column, const QModelIndex &parent) const
{
    if (!hasIndex(row, column, parent))
        return {};
    const Node *node = nodeFor(parent);
    return createIndex(row, column, const_cast<Node *>(node->children[size_t(row)].get()));
}

QModelIndex JsonTreeModel::parent(const QModelIndex &child) const
{
    if (!child.isValid())
        return {};
    const Node *up = nodeFor(child)->parent;
    if (!up || up == m_root.get())
        return {};
    return createIndex(up->row, 0, const_cast<Node *>(up));
}

int JsonTreeModel::rowCount(const QModelIndex &parent) const
{
    if (parent.isValid() && parent.column() != 0)
        return 0;
    return int(nodeFor(parent)->children.size());
}

int JsonTreeModel::columnCount(const QModelIndex &) const
{
    return ColumnCount;
}

QString JsonTreeModel::typeName(QJsonValue::Type type)
{
    switch (type) {
    case QJsonValue::Null:
        return tr("null");
    case QJsonValue::Bool:
        return tr("boolean");
    case QJsonValue::Double:
        return tr("number");
    case QJsonValue::String:
        return tr("string");
    case QJsonValue::Array:
        return tr("array");
    case QJsonValue::Object:
        return tr("object");
    case QJsonValue::Undefined:
        break;
    }
    return tr("undefined");
}

QString JsonTreeModel::path(const Node *node) const
{
    QString out;
    for (; node && node != m_root.get(); node = node->parent) {
        QString step;
        if (node->element)
            step = u'[' + QString::number(node->row) + u']';
        else if (isIdentifier(node->key))
            step = (node->parent != m_root.get() ? QStringLiteral(".") : QString()) + node->key;
        else
            step = u'[' + scalarJson(node->key) + u']';
        out.prepend(step);
    }
    return out;
}

QVariant JsonTreeModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const Node *node = nodeFor(index);
    const QJsonValue &v = node->value;
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case Key:
            return node->element ? u'[' + QString::number(node->row) + u']' : node->key;
        case Value:
            if (v.isObject())
                return node->children.size() == 1 ? tr("{1 key}")
                                                  : tr("{%1 keys}").arg(node->children.size());
            if (v.isArray())
                return node->children.size() == 1 ? tr("[1 item]")
                                                  : tr("[%1 items]").arg(node->children.size());
            else {
                const QString text = scalarJson(v);
                return text.size() > MaxDisplayChars ? text.left(MaxDisplayChars) + u'…' : text;
            }
        case Type:
            return typeName(v.type());
        default:
            return {};
        }
    case Qt::ToolTipRole:
        return index.column() == Key ? path(node) : QVariant();
    case CopyTextRole:
        if (v.isString())
            return v.toString();
        if (v.isObject())
            return QString::fromUtf8(QJsonDocument(v.toObject()).toJson(QJsonDocument::Indented)).trimmed();
        if (v.isArray())
            return QString::fromUtf8(QJsonDocument(v.toArray()).toJson(QJsonDocument::Indented)).trimmed();
        return scalarJson(v);
    case PathRole:
        return path(node);
    case JsonTypeRole:
        return int(v.type());
    default:
        return {};
    }
}

QVariant JsonTreeModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Key:
        return tr("Key");
    case Value:
        return tr("Value");
    case Type:
        return tr("Type");
    default:
        return {};
    }
}

Qt::ItemFlags JsonTreeModel::flags(const QModelIndex &index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    Qt::ItemFlags f = Qt::ItemIsEnabled | Qt::ItemIsSelectable;
    if (nodeFor(index)->children.empty())
        f |= Qt::ItemNeverHasChildren;
    return f;
}

} // namespace mm
