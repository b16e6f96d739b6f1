namespace Pipeline.Tests.Support;

/// <summary>
/// Resolves an index expression of a search, count or refresh (<c>a,b</c>, <c>logs-*</c>,
/// <c>_all</c>, <c>*,-logs-old</c>) to indices as Elasticsearch's
/// <c>IndexNameExpressionResolver</c> does for open indices: a missing concrete name fails unless
/// <c>ignore_unavailable</c>, a wildcard matching nothing fails only when
/// <c>allow_no_indices=false</c>, and a <c>-</c> name after a wildcard removes what it matches.
/// </summary>
internal static class ElasticsearchStandInIndexExpression
{
    /// <summary>The indices, in name order; null with the name to report as missing (404 <c>index_not_found_exception</c>).</summary>
    public static List<ElasticsearchStandInIndex>? Resolve(
        string target,
        IReadOnlyDictionary<string, ElasticsearchStandInIndex> indices,
        bool ignoreUnavailable,
        bool allowNoIndices,
        out string? missing)
    {
        missing = null;
        var resolved = new SortedDictionary<string, ElasticsearchStandInIndex>(StringComparer.Ordinal);
        var expressions = target.Length == 0 ? ["_all"] : target.Split(',');
        var sawWildcard = false;
        foreach (var expression in expressions)
        {
            if (expression is "_all" or "*")
            {
                sawWildcard = true;
                foreach (var (name, index) in indices)
                {
                    resolved[name] = index;
                }

                continue;
            }

            if (expression.StartsWith('-') && sawWildcard)
            {
                var excluded = expression[1..];
                foreach (var name in resolved.Keys.Where(n => ElasticsearchStandInText.WildcardMatches(excluded, n)).ToList())
                {
                    resolved.Remove(name);
                }

                continue;
            }

            if (expression.Contains('*', StringComparison.Ordinal))
            {
                sawWildcard = true;
                var matched = indices.Where(i => ElasticsearchStandInText.WildcardMatches(expression, i.Key)).ToList();
                if (matched.Count == 0 && !allowNoIndices)
                {
                    missing = expression;
                    return null;
                }

                foreach (var (name, index) in matched)
                {
                    resolved[name] = index;
                }

                continue;
            }

            if (indices.TryGetValue(expression, out var concrete))
            {
                resolved[expression] = concrete;
            }
            else if (!ignoreUnavailable)
            {
                missing = expression;
                return null;
            }
        }

        if (resolved.Count == 0 && !allowNoIndices)
        {
            missing = target.Length == 0 ? "_all" : target;
            return null;
        }

        return [.. resolved.Values];
    }
}
