using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Pipeline.Tests.Support;

/// <summary>
/// Writes container log lines the way docker (json-file) or containerd (CRI) do, and rotates like them.
/// Lines are stamped from <paramref name="clock"/>: its time when the file is made, plus one
/// microsecond per sequence number. Give it the clock the code under test runs on
/// (<see cref="TimeProvider.System"/> for a real silo, the test's fake clock otherwise), so a store
/// with retention sees records as recent as they are meant to be, whatever the calendar says.
/// </summary>
public sealed class ContainerLogFile(string path, bool cri, TimeProvider clock)
{
    private readonly DateTime _start = clock.GetUtcNow().UtcDateTime;
    private int _rotations;

    public string Path { get; } = path;

    /// <summary>The docker-style symlink name for a pod's container under <paramref name="directory"/>.</summary>
    public static string ContainersPath(string directory, string ns, string pod, string container) =>
        System.IO.Path.Combine(directory, $"{pod}_{ns}_{container}-{new string('a', 56)}{Math.Abs(pod.GetHashCode(StringComparison.Ordinal)) % 100_000_000:d8}.log");

    /// <summary>The RFC 3339 time (nanoseconds, UTC) of the line with <paramref name="sequence"/>, for lines a test writes by hand.</summary>
    public string Time(long sequence) =>
        _start.AddTicks(sequence * 10).ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'00Z'", CultureInfo.InvariantCulture);

    public void Write(string message, long sequence, string stream = "stdout")
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        File.AppendAllText(Path, Line(message, sequence, stream), new UTF8Encoding(false));
    }

    /// <summary>Appends many lines in one write (<paramref name="first"/> is the sequence of the first).</summary>
    public void WriteMany(IEnumerable<string> messages, long first)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        var text = new StringBuilder();
        foreach (var message in messages)
        {
            text.Append(Line(message, first++));
        }

        File.AppendAllText(Path, text.ToString(), new UTF8Encoding(false));
    }

    /// <summary>Rotation by rename, as the kubelet and docker do: the file moves away, the next write creates a new one.</summary>
    public void RotateByRename() => File.Move(Path, $"{Path}.{++_rotations}");

    private string Line(string message, long sequence, string stream = "stdout")
    {
        var time = Time(sequence);
        return cri
            ? $"{time} {stream} F {message}\n"
            : JsonSerializer.Serialize(new Dictionary<string, string> { ["log"] = message + "\n", ["stream"] = stream, ["time"] = time }) + "\n";
    }
}
