using Xunit;
using static Pipeline.Tests.Elasticsearch.ElasticsearchStandInHttp;

namespace Pipeline.Tests.Elasticsearch;

/// <summary>
/// The stand-in answers a user without the needed privilege as Elasticsearch's security does:
/// the action, the user, the roles and the privileges that would grant it, per request or per
/// bulk item.
/// </summary>
public sealed class ElasticsearchStandInPrivilegeTests : ElasticsearchStandInTestBase
{
    private const string Today = "kubernetes_cluster-2026.11.25";

    [Fact]
    public async Task The_node_info_needs_the_monitor_cluster_privilege()
    {
        Es.Privileges.Revoke(cluster: "monitor");

        var (status, json) = await Http.GetAsync("/");

        Assert.Equal(403, status);
        var error = json.GetProperty("error");
        Assert.Equal("security_exception", Type(error));
        Assert.Equal(
            "action [cluster:monitor/main] is unauthorized for user [pipeline] with effective roles [pipeline_writer], this action is granted by the cluster privileges [monitor,manage,all]",
            Reason(error));
        Assert.Equal(Reason(error), Reason(json.GetProperty("error").GetProperty("root_cause")[0]));
    }

    [Fact]
    public async Task Installing_an_index_template_needs_manage_index_templates()
    {
        Es.Privileges.Revoke(cluster: "manage_index_templates");

        var (status, json) = await Http.PutAsync("/_index_template/kubernetes_cluster", """{"index_patterns":["kubernetes_cluster-*"]}""");

        Assert.Equal(403, status);
        Assert.Equal(
            "action [indices:admin/index_template/put] is unauthorized for user [pipeline] with effective roles [pipeline_writer], this action is granted by the cluster privileges [manage_index_templates,manage,all]",
            Reason(json.GetProperty("error")));
        Assert.Empty(Es.Templates);
        Assert.Equal(200, (await Http.GetAsync("/")).Status);
    }

    [Fact]
    public async Task A_write_to_an_index_that_does_not_exist_needs_create_index_or_auto_configure_and_fails_per_item()
    {
        Es.Privileges.RevokeIndex("create_index", "kubernetes_cluster-*");
        Es.Privileges.RevokeIndex("auto_configure", "kubernetes_cluster-*");

        var (status, bulk) = await Http.BulkAsync(
            Action("create", "1"), """{"log":"a"}""",
            """{"create":{"_index":"other","_id":"2"}}""", """{"log":"b"}""");

        Assert.Equal(200, status);
        var denied = Item(bulk, 0);
        Assert.Equal(403, denied.GetProperty("status").GetInt32());
        Assert.Equal("security_exception", Type(denied.GetProperty("error")));
        Assert.Equal(
            $"action [indices:admin/auto_create] is unauthorized for user [pipeline] with effective roles [pipeline_writer] on indices [{Today}], this action is granted by the index privileges [auto_configure,create_index,manage,all]",
            Reason(denied.GetProperty("error")));
        Assert.Equal(201, Item(bulk, 1).GetProperty("status").GetInt32());
        Assert.Equal(["other"], Es.IndexNames);

        Es.Privileges.GrantIndex("auto_configure", "kubernetes_cluster-*");
        Assert.Equal(201, (await Http.CreateAsync(Today, "1", """{"log":"a"}""")).GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task A_create_on_an_existing_index_without_create_doc_fails_per_item_at_the_shard_request()
    {
        await Http.CreateAsync(Today, "0", """{"log":"first"}""");
        Es.Privileges.RevokeIndex("create_doc", "kubernetes_cluster-*");

        var item = await Http.CreateAsync(Today, "1", """{"log":"a"}""");

        Assert.Equal(403, item.GetProperty("status").GetInt32());
        Assert.Equal(
            $"action [indices:data/write/bulk[s]] is unauthorized for user [pipeline] with effective roles [pipeline_writer] on indices [{Today}], this action is granted by the index privileges [create_doc,create,delete,index,write,all]",
            Reason(item.GetProperty("error")));
    }

    [Fact]
    public async Task The_item_action_needs_its_own_privilege_once_the_shard_request_passes()
    {
        await Http.CreateAsync(Today, "0", """{"log":"first"}""");
        Es.Privileges.RevokeIndex("all");
        Es.Privileges.GrantIndex("delete");
        Es.Privileges.GrantIndex("read");

        var create = await Http.CreateAsync(Today, "1", """{"log":"a"}""");
        Es.Privileges.GrantIndex("create_doc");
        var (_, bulk) = await Http.BulkAsync(Action("index", "2"), """{"log":"b"}""");

        Assert.Equal(
            $"action [indices:data/write/index:op_type/create] is unauthorized for user [pipeline] with effective roles [pipeline_writer] on indices [{Today}], this action is granted by the index privileges [create_doc,create,index,write,all]",
            Reason(create.GetProperty("error")));
        Assert.Equal(
            $"action [indices:data/write/index:op_type/index] is unauthorized for user [pipeline] with effective roles [pipeline_writer] on indices [{Today}], this action is granted by the index privileges [create,index,write,all]",
            Reason(Item(bulk, 0).GetProperty("error")));
    }

    [Fact]
    public async Task A_bulk_request_needs_some_write_privilege_at_all()
    {
        Es.Privileges.RevokeIndex("all");
        Es.Privileges.GrantIndex("read");

        var (status, json) = await Http.BulkAsync(Action("create", "1"), """{"log":"a"}""");

        Assert.Equal(403, status);
        Assert.Equal(
            "action [indices:data/write/bulk] is unauthorized for user [pipeline] with effective roles [pipeline_writer], this action is granted by the index privileges [create_doc,create,delete,index,write,all]",
            Reason(json.GetProperty("error")));
    }

    [Fact]
    public async Task A_search_needs_read_on_each_index_it_names_and_wildcards_skip_the_unreadable()
    {
        await Http.CreateAsync(Today, "1", """{"log":"a"}""");
        await Http.CreateAsync("audit-1", "1", """{"log":"a"}""");
        Es.Privileges.RevokeIndex("read", "audit-*");

        var (status, json) = await Http.SearchAsync("audit-1", """{"query":{"match_all":{}}}""");
        var everything = await Http.IdsAsync("*", """{"match_all":{}}""");

        Assert.Equal(403, status);
        Assert.Equal(
            "action [indices:data/read/search] is unauthorized for user [pipeline] with effective roles [pipeline_writer] on indices [audit-1], this action is granted by the index privileges [read,all]",
            Reason(json.GetProperty("error")));
        Assert.Single(everything);
    }

    [Fact]
    public async Task A_forced_403_names_the_action_of_the_path_in_the_same_words()
    {
        Es.Privileges.User = "fluent";
        Es.Privileges.Roles = ["logs_writer", "kibana_user"];
        Es.FailRequests(403);

        var (status, json) = await Http.BulkAsync(Action("create", "1"), """{"log":"a"}""");

        Assert.Equal(403, status);
        Assert.Equal(
            "action [indices:data/write/bulk] is unauthorized for user [fluent] with effective roles [kibana_user,logs_writer], this action is granted by the index privileges [create_doc,create,delete,index,write,all]",
            Reason(json.GetProperty("error")));
    }

    private static string Action(string action, string id) => $$$"""{"{{{action}}}":{"_index":"{{{Today}}}","_id":"{{{id}}}"}}""";

    [Fact]
    public void An_unknown_privilege_is_a_mistake_in_the_test()
    {
        Assert.Throws<ArgumentException>(() => Es.Privileges.RevokeIndex("create_docs"));
    }
}
