using Pipeline.Grains.Configuration;

namespace Pipeline.Grains.Metrics.Store;

/// <summary>Reads the <c>storage:</c> section at the pipeline file's root; a bad key or value names itself and its line.</summary>
internal static class MetricStoreConfigReader
{
    public static MetricStoreOptions Read(ConfigNode? node)
    {
        if (node is null)
        {
            return new MetricStoreOptions();
        }

        var options = new MetricStoreOptions
        {
            Enabled = node.Bool("enabled", true),
            Retention = node.Duration("retention", MetricStoreOptions.DefaultRetention, TimeSpan.FromMinutes(1)),
            MemoryLimitBytes = node.Size("memory_limit", MetricStoreOptions.DefaultMemoryLimitBytes, MetricStoreOptionsValidator.MinMemoryLimitBytes),
        };
        node.RejectUnknownKeys();
        return options;
    }
}
