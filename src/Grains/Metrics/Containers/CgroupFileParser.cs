using System.Buffers.Text;
using System.Text;

namespace Pipeline.Grains.Metrics.Containers;

/// <summary>
/// Parsers for the small text files of cgroupfs and procfs, over the file's UTF-8 bytes: lines are
/// slices of the one buffer and numbers are read in place, so a collection allocates only what it keeps
/// (device and interface names). Each returns false on garbage rather than throwing.
/// </summary>
internal static class CgroupFileParser
{
    /// <summary>A file holding one integer (<c>memory.current</c>, <c>cpuacct.usage</c>, <c>cpu.cfs_quota_us</c>).</summary>
    public static bool TryParseSingle(ReadOnlySpan<byte> content, out long value) => TryParseInteger(Trim(content), out value);

    /// <summary>A v2 limit file: an integer or <c>max</c> (read as <see cref="long.MaxValue"/>).</summary>
    public static bool TryParseLimit(ReadOnlySpan<byte> content, out long value)
    {
        var trimmed = Trim(content);
        if (trimmed.SequenceEqual("max"u8))
        {
            value = long.MaxValue;
            return true;
        }

        return TryParseInteger(trimmed, out value);
    }

    /// <summary>v2 <c>cpu.max</c>: <c>&lt;quota|max&gt; &lt;period&gt;</c>; quota 0 when it is <c>max</c> (cAdvisor's "unlimited").</summary>
    public static bool TryParseCpuMax(ReadOnlySpan<byte> content, out long quota, out long period)
    {
        quota = 0;
        period = 0;
        var trimmed = Trim(content);
        var space = trimmed.IndexOf((byte)' ');
        if (space < 0)
        {
            return false;
        }

        var quotaText = trimmed[..space];
        if (!TryParseInteger(Trim(trimmed[(space + 1)..]), out period))
        {
            return false;
        }

        if (quotaText.SequenceEqual("max"u8))
        {
            return true;
        }

        return TryParseInteger(quotaText, out quota);
    }

    /// <summary>
    /// The value of <paramref name="key"/> in a flat keyed file (<c>key value</c> per line: <c>cpu.stat</c>,
    /// <c>memory.stat</c>, <c>cpuacct.stat</c>). <see cref="KeyedValue.Missing"/> when no line has the key,
    /// <see cref="KeyedValue.Garbage"/> when its value is not an integer.
    /// </summary>
    public static KeyedValue TryGetKeyed(ReadOnlySpan<byte> content, ReadOnlySpan<byte> key, out long value)
    {
        value = 0;
        foreach (var range in content.Split((byte)'\n'))
        {
            var line = content[range];
            if (line.Length <= key.Length || !line.StartsWith(key) || line[key.Length] != (byte)' ')
            {
                continue;
            }

            return TryParseInteger(Trim(line[(key.Length + 1)..]), out value) ? KeyedValue.Found : KeyedValue.Garbage;
        }

        return KeyedValue.Missing;
    }

    /// <summary>True when every line of <paramref name="content"/> is <c>&lt;key&gt; &lt;integer&gt;</c> (and there is at least one).</summary>
    public static bool IsFlatKeyed(ReadOnlySpan<byte> content)
    {
        var lines = 0;
        foreach (var range in content.Split((byte)'\n'))
        {
            var line = Trim(content[range]);
            if (line.IsEmpty)
            {
                continue;
            }

            var space = line.IndexOf((byte)' ');
            if (space <= 0 || !TryParseInteger(Trim(line[(space + 1)..]), out _))
            {
                return false;
            }

            lines++;
        }

        return lines > 0;
    }

    /// <summary>
    /// v2 <c>io.stat</c>: <c>8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0</c> per device. False when a line
    /// is not of that shape; what was read before stays in <paramref name="devices"/>.
    /// </summary>
    public static bool TryParseIoStat(ReadOnlySpan<byte> content, BlockDeviceNames names, List<BlockDeviceStats> devices)
    {
        foreach (var range in content.Split((byte)'\n'))
        {
            var line = Trim(content[range]);
            if (line.IsEmpty)
            {
                continue;
            }

            var space = line.IndexOf((byte)' ');
            var deviceText = space < 0 ? line : line[..space];
            if (!TryParseDevice(deviceText, out var major, out var minor))
            {
                return false;
            }

            long rbytes = 0, wbytes = 0, rios = 0, wios = 0;
            var rest = space < 0 ? [] : line[(space + 1)..];
            foreach (var fieldRange in rest.Split((byte)' '))
            {
                var field = rest[fieldRange];
                if (field.IsEmpty)
                {
                    continue;
                }

                var equals = field.IndexOf((byte)'=');
                if (equals < 0 || !TryParseInteger(field[(equals + 1)..], out var number))
                {
                    return false;
                }

                var name = field[..equals];
                if (name.SequenceEqual("rbytes"u8))
                {
                    rbytes = number;
                }
                else if (name.SequenceEqual("wbytes"u8))
                {
                    wbytes = number;
                }
                else if (name.SequenceEqual("rios"u8))
                {
                    rios = number;
                }
                else if (name.SequenceEqual("wios"u8))
                {
                    wios = number;
                }
            }

            devices.Add(new BlockDeviceStats(names.Name(major, minor), rbytes, wbytes, rios, wios));
        }

        return true;
    }

    /// <summary>
    /// v1 <c>blkio.throttle.io_service_bytes</c> or <c>io_serviced</c>: <c>8:0 Read 123</c>, <c>8:0 Write 45</c>, …, and a
    /// closing <c>Total</c>. Adds each device's reads and writes to <paramref name="perDevice"/>.
    /// </summary>
    public static bool TryParseBlkio(ReadOnlySpan<byte> content, Dictionary<(int Major, int Minor), (long Read, long Write)> perDevice)
    {
        foreach (var range in content.Split((byte)'\n'))
        {
            var line = Trim(content[range]);
            if (line.IsEmpty || line.StartsWith("Total "u8))
            {
                continue;
            }

            var first = line.IndexOf((byte)' ');
            if (first < 0 || !TryParseDevice(line[..first], out var major, out var minor))
            {
                return false;
            }

            var rest = line[(first + 1)..];
            var second = rest.IndexOf((byte)' ');
            if (second < 0 || !TryParseInteger(Trim(rest[(second + 1)..]), out var number))
            {
                return false;
            }

            var operation = rest[..second];
            perDevice.TryGetValue((major, minor), out var entry);
            if (operation.SequenceEqual("Read"u8))
            {
                entry.Read = number;
            }
            else if (operation.SequenceEqual("Write"u8))
            {
                entry.Write = number;
            }
            else
            {
                continue;
            }

            perDevice[(major, minor)] = entry;
        }

        return true;
    }

    /// <summary>
    /// <c>/proc/&lt;pid&gt;/net/dev</c>: two header lines, then <c>name: rx(8 fields) tx(8 fields)</c> per interface.
    /// Loopback and host-side virtual interfaces are left out, as cAdvisor leaves them out.
    /// </summary>
    public static bool TryParseNetDev(ReadOnlySpan<byte> content, List<NetworkInterfaceStats> interfaces)
    {
        Span<long> fields = stackalloc long[16];
        foreach (var range in content.Split((byte)'\n'))
        {
            var line = content[range];
            var colon = line.IndexOf((byte)':');
            if (colon < 0 || line.IndexOf((byte)'|') >= 0)
            {
                continue;
            }

            var name = Trim(line[..colon]);
            if (name.IsEmpty)
            {
                return false;
            }

            var rest = line[(colon + 1)..];
            var count = 0;
            foreach (var fieldRange in rest.Split((byte)' '))
            {
                var field = rest[fieldRange];
                if (field.IsEmpty)
                {
                    continue;
                }

                if (count == fields.Length || !TryParseInteger(field, out fields[count]))
                {
                    return false;
                }

                count++;
            }

            if (count != fields.Length)
            {
                return false;
            }

            if (IsIgnoredInterface(name))
            {
                continue;
            }

            interfaces.Add(new NetworkInterfaceStats(
                Encoding.UTF8.GetString(name), fields[0], fields[1], fields[2], fields[3], fields[8], fields[9], fields[10], fields[11]));
        }

        return true;
    }

    /// <summary>
    /// <c>/proc/stat</c>: the host's CPU time as docker counts it (user, nice, system, idle, iowait, irq and
    /// softirq of the <c>cpu</c> line, in clock ticks) and the number of <c>cpuN</c> lines.
    /// </summary>
    public static bool TryParseProcStat(ReadOnlySpan<byte> content, out long totalTicks, out int cpus)
    {
        totalTicks = 0;
        cpus = 0;
        var found = false;
        foreach (var range in content.Split((byte)'\n'))
        {
            var line = content[range];
            if (!line.StartsWith("cpu"u8))
            {
                if (found)
                {
                    break;
                }

                continue;
            }

            if (line.Length > 3 && line[3] == (byte)' ')
            {
                var index = 0;
                var rest = line[3..];
                foreach (var fieldRange in rest.Split((byte)' '))
                {
                    var field = rest[fieldRange];
                    if (field.IsEmpty)
                    {
                        continue;
                    }

                    if (!TryParseInteger(field, out var ticks))
                    {
                        return false;
                    }

                    if (index < 7)
                    {
                        totalTicks += ticks;
                    }

                    index++;
                }

                if (index < 7)
                {
                    return false;
                }

                found = true;
            }
            else if (line.Length > 3 && char.IsAsciiDigit((char)line[3]))
            {
                cpus++;
            }
        }

        return found && cpus > 0;
    }

    /// <summary>The first pid of a <c>cgroup.procs</c> file, or 0 when the cgroup has no process.</summary>
    public static bool TryParseFirstPid(ReadOnlySpan<byte> content, out int pid)
    {
        pid = 0;
        var newline = content.IndexOf((byte)'\n');
        var first = Trim(newline < 0 ? content : content[..newline]);
        if (first.IsEmpty)
        {
            return true;
        }

        return Utf8Parser.TryParse(first, out pid, out var consumed) && consumed == first.Length && pid > 0;
    }

    /// <summary><c>/proc/partitions</c>: <c>major minor #blocks name</c> per line after a header.</summary>
    public static void ParsePartitions(ReadOnlySpan<byte> content, Dictionary<(int Major, int Minor), string> names)
    {
        Span<Range> fields = stackalloc Range[5];
        foreach (var range in content.Split((byte)'\n'))
        {
            var line = Trim(content[range]);
            var count = SplitFields(line, fields);
            if (count == 4
                && Utf8Parser.TryParse(line[fields[0]], out int major, out var a) && a == line[fields[0]].Length
                && Utf8Parser.TryParse(line[fields[1]], out int minor, out var b) && b == line[fields[1]].Length)
            {
                names[(major, minor)] = "/dev/" + Encoding.UTF8.GetString(line[fields[3]]);
            }
        }
    }

    /// <summary>A <c>kB</c> value of <c>/proc/meminfo</c> (<c>MemTotal:  16384 kB</c>) in bytes.</summary>
    public static KeyedValue TryGetMeminfo(ReadOnlySpan<byte> content, ReadOnlySpan<byte> key, out long bytes)
    {
        bytes = 0;
        foreach (var range in content.Split((byte)'\n'))
        {
            var line = content[range];
            if (line.Length <= key.Length || !line.StartsWith(key) || line[key.Length] != (byte)':')
            {
                continue;
            }

            var value = Trim(line[(key.Length + 1)..]);
            var scale = 1L;
            if (value.EndsWith(" kB"u8))
            {
                value = Trim(value[..^3]);
                scale = 1024;
            }

            if (!TryParseInteger(value, out var number))
            {
                return KeyedValue.Garbage;
            }

            bytes = number * scale;
            return KeyedValue.Found;
        }

        return KeyedValue.Missing;
    }

    private static bool IsIgnoredInterface(ReadOnlySpan<byte> name) =>
        name.SequenceEqual("lo"u8) || name.StartsWith("veth"u8) || name.StartsWith("docker"u8);

    private static bool TryParseDevice(ReadOnlySpan<byte> text, out int major, out int minor)
    {
        major = 0;
        minor = 0;
        var colon = text.IndexOf((byte)':');
        return colon > 0
            && Utf8Parser.TryParse(text[..colon], out major, out var a) && a == colon
            && Utf8Parser.TryParse(text[(colon + 1)..], out minor, out var b) && b == text.Length - colon - 1;
    }

    private static bool TryParseInteger(ReadOnlySpan<byte> text, out long value)
    {
        value = 0;
        return !text.IsEmpty && Utf8Parser.TryParse(text, out value, out var consumed) && consumed == text.Length;
    }

    private static int SplitFields(ReadOnlySpan<byte> line, Span<Range> fields)
    {
        var count = 0;
        var start = -1;
        for (var i = 0; i <= line.Length; i++)
        {
            var blank = i == line.Length || line[i] is (byte)' ' or (byte)'\t';
            if (!blank && start < 0)
            {
                start = i;
            }
            else if (blank && start >= 0)
            {
                if (count == fields.Length)
                {
                    return count + 1;
                }

                fields[count++] = start..i;
                start = -1;
            }
        }

        return count;
    }

    private static ReadOnlySpan<byte> Trim(ReadOnlySpan<byte> text) => text.Trim(" \t\r\n"u8);
}
