using Pipeline.Grains.Collection.Decoding;
using Xunit;

namespace Pipeline.Tests.Decoding;

public sealed class KubernetesLogPathTests
{
    private const string ContainerId = "9a0e3f6c1b2d4e5f60718293a4b5c6d7e8f9011223344556677889aabbccddee";
    private const string PodUid = "4f1c2b3a-5d6e-4f70-8a9b-0c1d2e3f4a5b";

    [Fact]
    public void Containers_symlink_name_gives_pod_namespace_container_and_id()
    {
        Assert.True(KubernetesLogPath.TryParse($"/var/log/containers/web-7c9d8f6b5-x2x4q_shop_web-{ContainerId}.log", out var info));

        Assert.Equal(
            new KubernetesLogPathInfo { PodName = "web-7c9d8f6b5-x2x4q", Namespace = "shop", ContainerName = "web", ContainerId = ContainerId },
            info);
    }

    [Fact]
    public void Pod_names_with_dots_and_container_names_with_dashes_are_kept_whole()
    {
        Assert.True(KubernetesLogPath.TryParse($"/var/log/containers/etcd-node-1.cluster.local_kube-system_istio-proxy-v2-{ContainerId}.log", out var info));

        Assert.Equal("etcd-node-1.cluster.local", info.PodName);
        Assert.Equal("kube-system", info.Namespace);
        Assert.Equal("istio-proxy-v2", info.ContainerName);
        Assert.Equal(ContainerId, info.ContainerId);
        Assert.False(info.NameCut);
    }

    [Fact]
    public void Pods_directory_path_gives_uid_container_and_restart_count()
    {
        Assert.True(KubernetesLogPath.TryParse($"/var/log/pods/shop_web-7c9d8f6b5-x2x4q_{PodUid}/web/3.log", out var info));

        Assert.Equal(
            new KubernetesLogPathInfo { Namespace = "shop", PodName = "web-7c9d8f6b5-x2x4q", PodId = PodUid, ContainerName = "web", RestartCount = 3 },
            info);
    }

    [Fact]
    public void Rotated_pods_file_is_recognised()
    {
        Assert.True(KubernetesLogPath.TryParse($"/var/log/pods/shop_web-0_{PodUid}/web/0.log.20261125-100000", out var info));

        Assert.Equal("web-0", info.PodName);
        Assert.Equal(0, info.RestartCount);
    }

    [Theory]
    [InlineData("/var/log/pods/shop_web-0_4f1c/web/0.log.20261125-100000.gz")]
    [InlineData("/var/log/pods/shop_web-0_4f1c/web/0.log.old")]
    [InlineData("/var/log/pods/shop_web-0_4f1c/web/x.log")]
    public void Compressed_or_odd_pods_files_are_not_recognised(string path)
    {
        Assert.False(KubernetesLogPath.TryParse(path, out var info));
        Assert.Null(info);
    }

    [Theory]
    [InlineData($"/var/lib/docker/containers/{ContainerId}/{ContainerId}-json.log")]
    [InlineData($"/var/lib/docker/containers/{ContainerId}/{ContainerId}-json.log.1")]
    [InlineData($"/var/lib/docker/containers/{ContainerId}/{ContainerId}-json.log.12")]
    public void Docker_json_file_path_gives_the_container_id_only(string path)
    {
        Assert.True(KubernetesLogPath.TryParse(path, out var info));

        Assert.Equal(new KubernetesLogPathInfo { ContainerId = ContainerId }, info);
    }

    [Fact]
    public void Forms_are_recognised_under_any_directory()
    {
        var root = Path.Combine(Path.GetTempPath(), "demo-logs");

        Assert.True(KubernetesLogPath.TryParse(Path.Combine(root, $"api_prod_server-{ContainerId}.log"), out var link));
        Assert.True(KubernetesLogPath.TryParse(Path.Combine(root, $"prod_api_{PodUid}", "server", "1.log"), out var pods));
        Assert.True(KubernetesLogPath.TryParse(Path.Combine(root, $"{ContainerId}-json.log"), out var docker));

        Assert.Equal(("prod", "api", "server"), (link.Namespace, link.PodName, link.ContainerName));
        Assert.Equal(("prod", "api", "server", 1), (pods.Namespace, pods.PodName, pods.ContainerName, pods.RestartCount));
        Assert.Equal(ContainerId, docker.ContainerId);
    }

    [Fact]
    public void Hand_made_link_name_with_a_short_id_keeps_container_and_id()
    {
        Assert.True(KubernetesLogPath.TryParse("/tmp/logs/web-0_shop_nginx-abc123.log", out var info));

        Assert.Equal(("web-0", "shop", "nginx", "abc123"), (info.PodName, info.Namespace, info.ContainerName, info.ContainerId));
        Assert.False(info.NameCut);
    }

    [Fact]
    public void Link_name_cut_at_255_bytes_inside_the_id_keeps_pod_namespace_and_container()
    {
        var pod = "batch-" + new string('a', 164);
        var name = KubeletLinkName(pod, "jobs", "worker-main");
        Assert.Equal(KubernetesLogPath.MaxFileNameBytes, name.Length);

        Assert.True(KubernetesLogPath.TryParse("/var/log/containers/" + name, out var info));

        Assert.Equal(
            new KubernetesLogPathInfo { PodName = pod, Namespace = "jobs", ContainerName = "worker-main", NameCut = true },
            info);
    }

    [Fact]
    public void Link_name_cut_inside_the_container_name_keeps_pod_and_namespace()
    {
        var pod = "batch-" + new string('a', 230);
        var name = KubeletLinkName(pod, "jobs", "worker-main");

        Assert.True(KubernetesLogPath.TryParse("/var/log/containers/" + name, out var info));

        Assert.Equal(new KubernetesLogPathInfo { PodName = pod, Namespace = "jobs", NameCut = true }, info);
    }

    [Fact]
    public void Link_name_cut_inside_the_namespace_keeps_the_pod_name()
    {
        var pod = "batch-" + new string('a', 240);
        var name = KubeletLinkName(pod, "jobs-namespace", "worker");

        Assert.True(KubernetesLogPath.TryParse("/var/log/containers/" + name, out var info));

        Assert.Equal(new KubernetesLogPathInfo { PodName = pod, NameCut = true }, info);
    }

    [Fact]
    public void Link_name_cut_without_its_log_suffix_keeps_what_is_whole()
    {
        Assert.True(KubernetesLogPath.TryParse($"/var/log/containers/web-0_shop_nginx-{ContainerId[..20]}", out var info));

        Assert.Equal(new KubernetesLogPathInfo { PodName = "web-0", Namespace = "shop", ContainerName = "nginx", NameCut = true }, info);
    }

    [Theory]
    [InlineData("")]
    [InlineData("/")]
    [InlineData("/var/log/syslog")]
    [InlineData("/var/log/containers/")]
    [InlineData("/var/log/app.log")]
    [InlineData("/var/log/containers/only_one.log")]
    [InlineData("/var/log/containers/_shop_web-abc.log")]
    [InlineData("/var/log/containers/a_b_c_d.log")]
    [InlineData($"/var/lib/docker/containers/{ContainerId}/{ContainerId}-json.log.gz")]
    public void Paths_without_kubernetes_metadata_are_refused(string path)
    {
        Assert.False(KubernetesLogPath.TryParse(path, out var info));
        Assert.Null(info);
    }

    /// <summary>The symlink name as the kubelet builds it: cut to 251 bytes, then ".log".</summary>
    private static string KubeletLinkName(string pod, string ns, string container)
    {
        var name = $"{pod}_{ns}_{container}-{ContainerId}";
        return (name.Length > 251 ? name[..251] : name) + ".log";
    }
}
