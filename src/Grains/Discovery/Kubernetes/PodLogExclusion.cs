namespace Pipeline.Grains.Discovery.Kubernetes;

/// <summary>
/// Which streams of a container its pod asks not to be collected (<c>fluentbit.io/exclude</c>
/// annotations). The values are one bit per <c>LogStream</c> value, so a record is excluded when
/// <c>(exclusion &amp; (1 &lt;&lt; stream)) != 0</c>.
/// </summary>
[Flags]
public enum PodLogExclusion : byte
{
    None = 0,
    Stdout = 1 << 1,
    Stderr = 1 << 2,
    All = Stdout | Stderr,
}
