using Pipeline.Grains.Metrics.Containers;
using Xunit;

namespace Pipeline.Tests.Containers;

/// <summary>
/// A node with three pods, one per qos class, laid out as one cgroup driver and runtime write it: a
/// guaranteed pod (container G and a sandbox the API does not list), a burstable one (container B, two
/// disks and one the kernel knows no name for, memory mostly inactive cache) and a best-effort one
/// (container E, no limits, a process with a network namespace), plus a runtime helper directory that is
/// no container.
/// </summary>
internal sealed class NodeFixture : IDisposable
{
    public const string GuaranteedUid = "11111111-aaaa-4bbb-8ccc-000000000001";
    public const string BurstableUid = "22222222-aaaa-4bbb-8ccc-000000000002";
    public const string BestEffortUid = "33333333-aaaa-4bbb-8ccc-000000000003";

    public static readonly string GuaranteedId = new('a', 64);
    public static readonly string SandboxId = new('f', 64);
    public static readonly string BurstableId = "b0" + new string('b', 62);
    public static readonly string BestEffortId = "e0" + new string('e', 62);

    public static readonly CgroupFixtureValues Guaranteed = new();

    public static readonly CgroupFixtureValues Burstable = new()
    {
        UsageUsec = 7_250_000,
        UserUsec = 4_000_000,
        SystemUsec = 3_250_000,
        Periods = 1200,
        Throttled = 300,
        ThrottledUsec = 12_345_000,
        QuotaUsec = 200_000,
        PeriodUsec = 100_000,
        MemoryUsage = 50_000_000,
        MemoryLimit = 536_870_912,
        Rss = 30_000_000,
        Cache = 15_000_000,
        InactiveFile = 60_000_000,
        Io = [(8, 0, 1_048_576, 2_097_152, 10, 20), (259, 0, 512, 1024, 1, 2), (253, 7, 5, 6, 7, 8)],
    };

    public static readonly CgroupFixtureValues BestEffort = new()
    {
        UsageUsec = 990_000,
        UserUsec = 900_000,
        SystemUsec = 90_000,
        Periods = 0,
        Throttled = 0,
        ThrottledUsec = 0,
        QuotaUsec = null,
        MemoryUsage = 20_971_520,
        MemoryLimit = null,
        Rss = 16_777_216,
        Cache = 4_194_304,
        InactiveFile = 1_048_576,
        Io = [],
        Pid = 4242,
        NetDev = """
            Inter-|   Receive                                                |  Transmit
             face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
                lo:    1000      10    0    0    0     0          0         0     1000      10    0    0    0     0       0          0
              eth0: 123456789  98765    1    2    0     0          0         0 987654321  56789    3    4    0     0       0          0

            """,
    };

    public static readonly CgroupFixtureValues Root = new()
    {
        UsageUsec = 900_000_000,
        UserUsec = 600_000_000,
        SystemUsec = 300_000_000,
        Periods = 0,
        Throttled = 0,
        ThrottledUsec = 0,
        QuotaUsec = null,
        MemoryUsage = 8_000_000_000,
        MemoryLimit = null,
        Rss = 5_000_000_000,
        Cache = 2_500_000_000,
        InactiveFile = 1_000_000_000,
        Io = [(8, 0, 10_000_000, 20_000_000, 1000, 2000)],
    };

    public NodeFixture(string layout)
    {
        Layout = layout;
        var version = layout.StartsWith("v2", StringComparison.Ordinal) ? CgroupVersion.V2 : CgroupVersion.V1;
        Systemd = layout.Contains("systemd", StringComparison.Ordinal);
        Runtime = layout.EndsWith("crio", StringComparison.Ordinal) ? ContainerRuntimeKind.CriO
            : layout.EndsWith("docker", StringComparison.Ordinal) ? ContainerRuntimeKind.Docker
            : Systemd ? ContainerRuntimeKind.Containerd : ContainerRuntimeKind.Unknown;
        Cgroups = new CgroupFixture(version, jointCpu: layout.Contains("joint", StringComparison.Ordinal));

        Cgroups.Cgroup("/", Root);
        GuaranteedPath = ContainerPath(PodQosClass.Guaranteed, GuaranteedUid, GuaranteedId);
        SandboxPath = ContainerPath(PodQosClass.Guaranteed, GuaranteedUid, SandboxId);
        BurstablePath = ContainerPath(PodQosClass.Burstable, BurstableUid, BurstableId);
        BestEffortPath = ContainerPath(PodQosClass.BestEffort, BestEffortUid, BestEffortId);
        Cgroups.Cgroup(GuaranteedPath, Guaranteed);
        Cgroups.Cgroup(SandboxPath, Guaranteed with { UsageUsec = 10_000, UserUsec = 10_000, SystemUsec = 0, MemoryUsage = 1_000_000, InactiveFile = 0 });
        Cgroups.Cgroup(BurstablePath, Burstable);
        Cgroups.Cgroup(BestEffortPath, BestEffort);

        // CRI-O's monitor gets a scope beside the container's; a cgroupfs node may hold strays. Neither is a container.
        var pod = BestEffortPath[..BestEffortPath.LastIndexOf('/')];
        Cgroups.Create(Systemd ? pod + "/crio-conmon-" + BestEffortId + ".scope" : pod + "/not-a-container");

        Metadata.Add(GuaranteedUid, "shop", "cart-0", GuaranteedId, "cart", "registry.local/cart:1.4");
        Metadata.Add(BurstableUid, "shop", "web-7d9f", BurstableId, "nginx", "nginx:1.27");
        Metadata.Add(BestEffortUid, "batch", "report-x2", BestEffortId, "report", "registry.local/report:2");
    }

    /// <summary>Every layout the collector has to read.</summary>
    public static TheoryData<string> Layouts => new()
    {
        "v2-systemd-containerd",
        "v2-systemd-crio",
        "v2-systemd-docker",
        "v2-cgroupfs",
        "v1-systemd-containerd",
        "v1-cgroupfs",
        "v1-cgroupfs-joint",
    };

    public string Layout { get; }

    public bool Systemd { get; }

    public ContainerRuntimeKind Runtime { get; }

    public CgroupFixture Cgroups { get; }

    public FakeContainerMetadata Metadata { get; } = new();

    public string GuaranteedPath { get; }

    public string SandboxPath { get; }

    public string BurstablePath { get; }

    public string BestEffortPath { get; }

    public string ContainerPath(PodQosClass qos, string uid, string id)
    {
        var level = qos switch
        {
            PodQosClass.Burstable => "burstable",
            PodQosClass.BestEffort => "besteffort",
            _ => null,
        };
        if (!Systemd)
        {
            return "/kubepods" + (level is null ? "" : "/" + level) + "/pod" + uid + "/" + id;
        }

        var prefix = Runtime switch
        {
            ContainerRuntimeKind.CriO => "crio-",
            ContainerRuntimeKind.Docker => "docker-",
            _ => "cri-containerd-",
        };
        var qosSlice = level is null ? "" : $"/kubepods-{level}.slice";
        var podSlice = level is null ? $"kubepods-pod{uid.Replace('-', '_')}.slice" : $"kubepods-{level}-pod{uid.Replace('-', '_')}.slice";
        return $"/kubepods.slice{qosSlice}/{podSlice}/{prefix}{id}.scope";
    }

    public void Dispose() => Cgroups.Dispose();
}
