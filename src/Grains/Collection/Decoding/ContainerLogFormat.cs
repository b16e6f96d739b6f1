namespace Pipeline.Grains.Collection.Decoding;

/// <summary>The on-disk format of a container log file, decided by its first non-empty line.</summary>
public enum ContainerLogFormat
{
    /// <summary>No line has been recognised yet.</summary>
    Unknown = 0,

    /// <summary>Docker json-file driver: one <c>{"log":…,"stream":…,"time":…}</c> object per line.</summary>
    DockerJson = 1,

    /// <summary>CRI (containerd, CRI-O): <c>&lt;time&gt; &lt;stream&gt; &lt;P|F&gt; &lt;message&gt;</c>.</summary>
    Cri = 2,
}
