using System.Diagnostics;
using System.Globalization;

namespace Pipeline.Silo;

/// <summary>What the process used: CPU seconds and peak resident memory, read from the kernel.</summary>
public static class ProcessUsage
{
    public static string Summary()
    {
        using var process = Process.GetCurrentProcess();
        return string.Create(CultureInfo.InvariantCulture,
            $"pipeline-usage cpu_seconds={process.TotalProcessorTime.TotalSeconds:F3} peak_rss_bytes={PeakRssBytes()} rss_bytes={process.WorkingSet64} gc_heap_bytes={GC.GetGCMemoryInfo().HeapSizeBytes} gc_committed_bytes={GC.GetGCMemoryInfo().TotalCommittedBytes} gc_allocated_bytes={GC.GetTotalAllocatedBytes()} gen2_collections={GC.CollectionCount(2)}");
    }

    /// <summary>VmHWM from /proc/self/status: the high-water mark of resident memory.</summary>
    public static long PeakRssBytes()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                var kb = line["VmHWM:".Length..].Trim().Split(' ')[0];
                return long.Parse(kb, CultureInfo.InvariantCulture) * 1024;
            }
        }

        return 0;
    }
}
