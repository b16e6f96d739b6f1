using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pipeline.Grains.DeadLetters;
using Pipeline.Grains.Telemetry;

namespace Pipeline.Grains.Outputs.Elasticsearch;

/// <summary>The entry point that puts an Elasticsearch log output on a silo.</summary>
public static class ElasticsearchLogOutputServiceCollectionExtensions
{
    /// <summary>
    /// Adds an <see cref="ElasticsearchLogOutput"/> as an <see cref="ILogOutput"/>. It needs an
    /// <see cref="IDeadLetterSink"/> registered too (the SQLite dead-letter store), and
    /// <see cref="PipelineMetrics"/> and a <see cref="TimeProvider"/>, which the pipeline adds.
    /// </summary>
    public static IServiceCollection AddElasticsearchLogOutput(this IServiceCollection services, ElasticsearchLogOutputOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = ElasticsearchLogOutputOptionsValidator.Problems(options);
        if (problems.Count > 0)
        {
            throw new ArgumentException($"Elasticsearch output '{options.Name}': {string.Join("; ", problems)}", nameof(options));
        }

        services.AddSingleton<ILogOutput>(sp => new ElasticsearchLogOutput(
            options,
            sp.GetRequiredService<IDeadLetterSink>(),
            sp.GetRequiredService<PipelineMetrics>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<ElasticsearchLogOutput>>()));
        return services;
    }
}
