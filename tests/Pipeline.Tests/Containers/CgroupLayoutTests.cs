using Pipeline.Grains.Metrics.Containers;
using Pipeline.Tests.Support;
using Xunit;

namespace Pipeline.Tests.Containers;

/// <summary>Which cgroup version a root holds, and where each v1 controller's files are.</summary>
public sealed class CgroupLayoutTests
{
    [Fact]
    public void A_root_with_cgroup_controllers_is_v2_and_every_controller_shares_it()
    {
        using var fixture = new CgroupFixture(CgroupVersion.V2);

        var layout = CgroupLayout.Detect(fixture.CgroupRoot);

        Assert.Equal(CgroupVersion.V2, layout.Version);
        Assert.Equal(Path.Combine(fixture.CgroupRoot, "kubepods", "pod1"), layout.Directory("memory", "/kubepods/pod1"));
        Assert.Equal(fixture.CgroupRoot, layout.Directory("cpu", "/"));
        Assert.Equal(fixture.CgroupRoot, layout.WalkRoot);
    }

    [Fact]
    public void Controller_directories_are_v1()
    {
        using var fixture = new CgroupFixture(CgroupVersion.V1);

        var layout = CgroupLayout.Detect(fixture.CgroupRoot);

        Assert.Equal(CgroupVersion.V1, layout.Version);
        Assert.Equal(Path.Combine(fixture.CgroupRoot, "memory", "kubepods"), layout.Directory("memory", "kubepods"));
        Assert.Equal(Path.Combine(fixture.CgroupRoot, "cpuacct", "kubepods"), layout.Directory("cpuacct", "/kubepods"));
        Assert.Equal(Path.Combine(fixture.CgroupRoot, "cpu"), layout.WalkRoot);
        Assert.Null(layout.Directory("hugetlb", "/"));
    }

    [Fact]
    public void Cpu_and_cpuacct_mounted_together_are_found_under_their_joint_name()
    {
        using var fixture = new CgroupFixture(CgroupVersion.V1, jointCpu: true);

        var layout = CgroupLayout.Detect(fixture.CgroupRoot);

        Assert.Equal(CgroupVersion.V1, layout.Version);
        Assert.Equal(Path.Combine(fixture.CgroupRoot, "cpu,cpuacct", "a"), layout.Directory("cpu", "/a"));
        Assert.Equal(Path.Combine(fixture.CgroupRoot, "cpu,cpuacct", "a"), layout.Directory("cpuacct", "/a"));
    }

    [Fact]
    public void A_hybrid_mount_is_v1_as_kubelet_reads_it()
    {
        using var fixture = new CgroupFixture(CgroupVersion.V1);
        Directory.CreateDirectory(Path.Combine(fixture.CgroupRoot, "unified"));
        File.WriteAllText(Path.Combine(fixture.CgroupRoot, "unified", "cgroup.controllers"), "");

        Assert.Equal(CgroupVersion.V1, CgroupLayout.Detect(fixture.CgroupRoot).Version);
    }

    [Fact]
    public void An_empty_or_absent_root_is_none()
    {
        using var dir = new TempDirectory();

        Assert.Equal(CgroupVersion.None, CgroupLayout.Detect(dir.Path).Version);
        Assert.Equal(CgroupVersion.None, CgroupLayout.Detect(dir.Combine("absent")).Version);
        Assert.Null(CgroupLayout.Detect(dir.Path).WalkRoot);
    }

    [Fact]
    public void Proc_cgroup_of_a_v1_process_gives_each_controller_its_own_path()
    {
        const string text = "9:name=systemd:/\n8:pids:/\n4:memory:/process_api/58c5\n2:cpu,cpuacct:/kubepods/pod1/abc\n0::/\n";

        var location = CgroupLocation.FromProcCgroup(text, CgroupVersion.V1)!;

        Assert.Equal("/kubepods/pod1/abc", location.Id);
        Assert.Equal("/process_api/58c5", location.PathFor("memory"));
        Assert.Equal("/kubepods/pod1/abc", location.PathFor("cpuacct"));
        Assert.Equal("/", location.PathFor("pids"));
        Assert.Equal("/kubepods/pod1/abc", location.PathFor("blkio"));
    }

    [Fact]
    public void Proc_cgroup_of_a_v2_process_is_its_unified_line()
    {
        var location = CgroupLocation.FromProcCgroup("0::/user.slice/user-1000.slice/session-3.scope\n", CgroupVersion.V2)!;

        Assert.Equal("/user.slice/user-1000.slice/session-3.scope", location.Id);
        Assert.Null(location.ControllerPaths);
        Assert.Null(CgroupLocation.FromProcCgroup("0::/\n", CgroupVersion.V1));
    }
}
