#include "loaders/cloudformation.hpp"

#include "loaders/cloudformation_document.hpp"
#include "loaders/cloudformation_intrinsics.hpp"
#include "loaders/cloudformation_resources.hpp"

namespace tfkms::loaders {

namespace {

using cfn::Node;

model::Diagnostic diagnostic(const std::string& path, const Node* where, std::string message,
                             model::DiagnosticLevel level = model::DiagnosticLevel::error) {
  model::Diagnostic error;
  error.level = level;
  error.file = path;
  if (where) {
    error.line = where->line;
    error.column = where->column;
  }
  error.message = std::move(message);
  return error;
}

// Transform is a string or a list of macro names.
std::vector<const Node*> transforms(const Node& root) {
  const Node* transform = root.find("Transform");
  if (!transform)
    return {};
  if (!transform->is_sequence())
    return {transform};
  std::vector<const Node*> out;
  for (const auto& item : transform->items)
    out.push_back(item.get());
  return out;
}

// SAM resources only exist under AWS::Serverless-2016-10-31; tfkms models the role SAM creates for
// a function and reports Fn::ForEach of AWS::LanguageExtensions. Any other macro rewrites the
// template before deployment in ways tfkms cannot know, which the user is told.
bool check_transforms(const Node& root, const std::string& path, model::Graph& graph) {
  bool serverless = false;
  for (const Node* transform : transforms(root)) {
    const std::string name = transform->is_scalar() ? transform->text : std::string{};
    if (name.starts_with("AWS::Serverless")) {
      serverless = true;
    } else if (name != "AWS::LanguageExtensions") {
      graph.diagnostics.push_back(
          diagnostic(path, transform,
                     "Transform " + (name.empty() ? std::string("(not a name)") : name) +
                         " is not applied; the template is analysed as written",
                     model::DiagnosticLevel::warning));
    }
  }
  return serverless;
}

// SAM creates the role <Function>Role for a function that names none; templates refer to it.
void declare_serverless_roles(const Node& resources, cfn::Intrinsics& intrinsics) {
  for (std::size_t i = 0; i < resources.keys.size(); ++i) {
    const Node& resource = *resources.items[i];
    const Node* type = resource.find("Type");
    const Node* properties = resource.find("Properties");
    if (type && type->text == "AWS::Serverless::Function" &&
        !(properties && properties->find("Role"))) {
      intrinsics.add_resource(resources.keys[i] + "Role");
    }
  }
}

// Metadata: {tfkms: {ignore: [{rule: TFKMS003, reason: "..."}]}} (formats.md §2.5 lists the
// equivalents of other tools).
void read_suppressions(const cfn::Resource& resource, model::Graph& graph) {
  const Node* metadata = resource.node->find("Metadata");
  const Node* tfkms = metadata ? metadata->find("tfkms") : nullptr;
  const Node* ignore = tfkms ? tfkms->find("ignore") : nullptr;
  if (!ignore || !ignore->is_sequence())
    return;
  for (const auto& entry : ignore->items) {
    const Node* rule = entry->find("rule");
    const Node* reason = entry->find("reason");
    model::Suppression suppression;
    suppression.rule = rule && rule->is_scalar() ? rule->text : std::string{};
    suppression.address = resource.logical_id;
    suppression.reason = reason && reason->is_scalar() ? reason->text : std::string{};
    suppression.where = resource.source;
    suppression.where.line = entry->line;
    suppression.where.column = entry->column;
    graph.suppressions.push_back(std::move(suppression));
  }
}

// CDK names a resource by its construct path (Metadata aws:cdk:path), which is what its author
// knows.
std::string display_name(const std::string& logical_id, const Node& resource) {
  const Node* metadata = resource.find("Metadata");
  const Node* path = metadata ? metadata->find("aws:cdk:path") : nullptr;
  if (!path || !path->is_scalar() || path->text.empty())
    return {};
  return path->text + " (" + logical_id + ")";
}

// Outputs with Export.Name: what other stacks of the account and region may read with
// Fn::ImportValue [CFN-UG "Fn::ImportValue": exports are per account and region]. Only the names
// and values that resolve to text are kept; the account graph joins them (run/account_graph.hpp).
void read_exports(const Node& root, const std::string& path, cfn::Intrinsics& intrinsics,
                  model::Graph& graph) {
  const Node* outputs = root.find("Outputs");
  if (!outputs || !outputs->is_mapping())
    return;
  for (std::size_t i = 0; i < outputs->keys.size(); ++i) {
    const Node& output = *outputs->items[i];
    const Node* exported = output.is_mapping() ? output.find("Export") : nullptr;
    const Node* name = exported && exported->is_mapping() ? exported->find("Name") : nullptr;
    const Node* value = output.is_mapping() ? output.find("Value") : nullptr;
    if (!name || !value)
      continue;
    cfn::Scope scope{path, "Outputs/" + outputs->keys[i], {}, {}};
    const auto name_text = intrinsics.resolve(*name, scope);
    const auto value_text = intrinsics.resolve(*value, scope);
    if (!name_text || !name_text->is_string() || !value_text || !value_text->is_string())
      continue;
    graph.exports.insert_or_assign(name_text->get<std::string>(), value_text->get<std::string>());
  }
}

} // namespace

model::Result<Input> load_cloudformation(std::string_view text, const std::string& path,
                                         InputKind kind, const LoadOptions& options) {
  auto document = cfn::read_document(text, path, options.limits);
  if (!document)
    return std::move(document.error());
  const Node& root = *document.value().root;
  if (!root.is_mapping())
    return diagnostic(path, &root, "not a CloudFormation template: the document is not a mapping");
  const Node* resources = root.find("Resources");
  if (!resources)
    return diagnostic(path, &root, "not a CloudFormation template: no Resources section");
  if (!resources->is_mapping())
    return diagnostic(path, resources, "Resources is not a mapping of logical ids to resources");
  // CloudFormation refuses such a template ("At least one Resources member must be defined")
  // [CFN-UG "Resources"]: there is nothing it could deploy, so nothing to check either.
  if (resources->items.empty()) {
    return diagnostic(path, resources,
                      "not a deployable CloudFormation template: Resources is empty "
                      "(CloudFormation requires at least one resource)");
  }

  Input input{kind, model::Graph{}};
  model::Graph& graph = input.graph;
  graph.format = model::InputFormat::cloudformation;
  if (options.account_id)
    graph.account = *options.account_id;
  // Exports and imports are per account and region: stacks of one region join by them.
  if (options.region)
    graph.region = *options.region;
  graph.diagnostics = std::move(document.value().warnings);

  cfn::Intrinsics intrinsics(root, options);
  const Node* conditions = root.find("Conditions");
  for (const auto& [name, value] : options.conditions) {
    if (conditions && conditions->find(name))
      continue;
    graph.diagnostics.push_back(diagnostic(
        path, conditions,
        "--condition " + name + ": the template defines no condition " + name + "; it is ignored",
        model::DiagnosticLevel::warning));
  }
  const bool serverless = check_transforms(root, path, graph);
  if (serverless)
    declare_serverless_roles(*resources, intrinsics);
  cfn::ResourceMapper mapper(graph, intrinsics, serverless);
  std::vector<cfn::Resource> created;
  for (std::size_t i = 0; i < resources->keys.size(); ++i) {
    const std::string& logical_id = resources->keys[i];
    const Node& node = *resources->items[i];
    cfn::Resource resource;
    resource.logical_id = logical_id;
    resource.node = &node;
    resource.scope.file = path;
    resource.scope.resource = logical_id;
    resource.source.file = path;
    resource.source.address = logical_id;
    resource.source.pointer = "/Resources/" + logical_id;
    const auto position = resources->key_positions[i];
    resource.source.line = position.line;
    resource.source.column = position.column;
    const Node* type = node.find("Type");
    if (logical_id.starts_with("Fn::ForEach::")) {
      graph.diagnostics.push_back(diagnostic(path, &node,
                                             logical_id +
                                                 " (AWS::LanguageExtensions) is not expanded; "
                                                 "the resources it generates are not analysed",
                                             model::DiagnosticLevel::warning));
      continue;
    }
    if (!node.is_mapping() || !type || !type->is_scalar()) {
      graph.diagnostics.push_back(
          diagnostic(path, &node, "resource " + logical_id + " has no Type; it is skipped"));
      graph.diagnostics.back().pointer = resource.source.pointer;
      continue;
    }
    resource.type = type->text;
    if (resource.type == "AWS::CDK::Metadata")
      continue; // CDK's usage report: nothing to check
    if (const Node* condition = node.find("Condition")) {
      if (!condition->is_scalar()) {
        resource.scope.report(model::DiagnosticLevel::error, *condition,
                              "Condition must name a condition");
      } else if (const cfn::Truth truth =
                     intrinsics.condition(condition->text, *condition, resource.scope);
                 truth == cfn::Truth::no) {
        continue; // not created with these parameters
      } else if (truth == cfn::Truth::undecided) {
        resource.scope.report(
            model::DiagnosticLevel::note, *condition,
            "created only when condition " + condition->text +
                " holds, which depends on deploy-time values: tfkms check analyses both cases, "
                "access and diff analyse it as created");
      }
    }
    resource.source.display = display_name(logical_id, node);
    const Node* properties = node.find("Properties");
    resource.properties = properties && properties->is_mapping() ? properties : nullptr;
    if (properties && !properties->is_mapping() && properties->kind != Node::Kind::null) {
      resource.scope.report(model::DiagnosticLevel::error, *properties,
                            "Properties is not a mapping; it is ignored");
    }
    read_suppressions(resource, graph);
    created.push_back(std::move(resource));
  }
  for (cfn::Resource& resource : created)
    mapper.add_node(resource);
  for (cfn::Resource& resource : created)
    mapper.add_links(resource);
  mapper.resolve_keys();
  for (cfn::Resource& resource : created) {
    for (model::Diagnostic& diagnostic : resource.scope.diagnostics)
      graph.diagnostics.push_back(std::move(diagnostic));
  }
  read_exports(root, path, intrinsics, graph);
  graph.undecided_conditions = intrinsics.undecided();
  return input;
}

} // namespace tfkms::loaders
