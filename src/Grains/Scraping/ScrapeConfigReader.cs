using Pipeline.Grains.Configuration;
using Pipeline.Grains.Scraping.Relabeling;

namespace Pipeline.Grains.Scraping;

/// <summary>Reads <c>global</c> and the entries of <c>scrape_configs</c> as Prometheus does, every key checked.</summary>
internal static class ScrapeConfigReader
{
    /// <summary>The <c>global</c> section (null: Prometheus's defaults).</summary>
    public static GlobalScrapeConfig ReadGlobal(ConfigNode? global)
    {
        if (global is null)
        {
            return new GlobalScrapeConfig();
        }

        var interval = Duration(global, "scrape_interval", ScrapeJobDefaults.DefaultScrapeInterval);
        var timeout = Duration(global, "scrape_timeout", ScrapeJobDefaults.DefaultScrapeTimeout);
        Duration(global, "evaluation_interval", TimeSpan.FromMinutes(1)); // accepted: no rules are evaluated here
        var result = new GlobalScrapeConfig
        {
            ScrapeInterval = interval,
            ScrapeTimeout = global.Has("scrape_timeout") || timeout <= interval ? timeout : interval,
            ExternalLabels = global.StringMap("external_labels"),
        };
        global.RejectUnknownKeys();
        if (result.ScrapeTimeout > result.ScrapeInterval)
        {
            global.ValueError("scrape_timeout", $"scrape_timeout ({PrometheusDuration.Format(result.ScrapeTimeout)}) is longer than scrape_interval ({PrometheusDuration.Format(result.ScrapeInterval)})");
        }

        return result;
    }

    /// <summary>One <c>scrape_configs</c> entry; errors are reported on the node.</summary>
    public static ScrapeJobConfig Read(ConfigNode job, GlobalScrapeConfig global) => throw new NotImplementedException();

    /// <summary>A Prometheus duration (<c>15s</c>, <c>1m30s</c>, <c>1d</c>); a mistake is reported on the key.</summary>
    internal static TimeSpan Duration(ConfigNode node, string key, TimeSpan fallback)
    {
        var text = node.String(key);
        if (text is null)
        {
            return fallback;
        }

        if (PrometheusDuration.TryParse(text, out var value, out var error))
        {
            return value;
        }

        node.ValueError(key, $"'{text}' is not a duration ({error}; write it like 15s, 1m30s or 1h)");
        return fallback;
    }
}
