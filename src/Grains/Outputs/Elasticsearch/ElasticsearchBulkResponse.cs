using System.Text.Json;

namespace Pipeline.Grains.Outputs.Elasticsearch;

/// <summary>
/// Reads a bulk answer (<c>{"errors":…,"items":[{"create":{"status":201,…}},…]}</c>) with a
/// <see cref="Utf8JsonReader"/>: the status of every item in order, and the error type and
/// reason of the failed ones. Successful items cost no allocation.
/// </summary>
internal static class ElasticsearchBulkResponse
{
    /// <summary>
    /// Fills <paramref name="statuses"/> with each item's status and <paramref name="errors"/> with
    /// the failures; returns the number of items. An answer that says <c>"errors":false</c> before
    /// its items (Elasticsearch writes it first) is all successes: its items are not read, and
    /// <paramref name="sent"/> is returned with <paramref name="statuses"/> left as they are.
    /// </summary>
    /// <exception cref="JsonException">The answer is not a bulk answer.</exception>
    public static int Read(ReadOnlySpan<byte> json, int sent, Span<int> statuses, List<ElasticsearchItemError> errors)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 256 });
        Expect(ref reader, JsonTokenType.StartObject);
        var count = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("errors"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.False)
                {
                    return sent;
                }

                continue;
            }

            if (!reader.ValueTextEquals("items"u8))
            {
                reader.Read();
                reader.Skip();
                continue;
            }

            Expect(ref reader, JsonTokenType.StartArray);
            while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
            {
                // {"create": {...}}: one member named after the action.
                Expect(ref reader, JsonTokenType.PropertyName);
                Expect(ref reader, JsonTokenType.StartObject);
                var status = 0;
                string? type = null;
                string? reason = null;
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (reader.ValueTextEquals("status"u8))
                    {
                        reader.Read();
                        status = reader.GetInt32();
                    }
                    else if (reader.ValueTextEquals("error"u8))
                    {
                        reader.Read();
                        (type, reason) = ReadError(ref reader);
                    }
                    else
                    {
                        reader.Read();
                        reader.Skip();
                    }
                }

                Expect(ref reader, JsonTokenType.EndObject);
                if (count >= statuses.Length)
                {
                    throw new JsonException($"The bulk answer has more items than the {statuses.Length} sent.");
                }

                statuses[count] = status;
                if (status is not (200 or 201))
                {
                    errors.Add(new ElasticsearchItemError(count, status, type ?? "unknown", reason ?? ""));
                }

                count++;
            }
        }

        return count;
    }

    /// <summary>The error of a whole-request failure (<c>{"error":{"type":…,"reason":…},"status":…}</c>), if the body holds one.</summary>
    public static (string Type, string Reason)? ReadRequestError(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("error"u8))
                {
                    reader.Read();
                    var (type, reason) = ReadError(ref reader);
                    return (type ?? "unknown", reason ?? "");
                }

                reader.Read();
                reader.Skip();
            }
        }
        catch (JsonException)
        {
        }

        return null;
    }

    /// <summary>An error object's type and reason (an error may also be a plain string).</summary>
    private static (string? Type, string? Reason) ReadError(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            return (null, reader.GetString());
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return (null, null);
        }

        string? type = null;
        string? reason = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("type"u8))
            {
                reader.Read();
                type = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            }
            else if (reader.ValueTextEquals("reason"u8))
            {
                reader.Read();
                reason = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return (type, reason);
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType token)
    {
        if (!reader.Read())
        {
            throw new JsonException($"The bulk answer ended where {token} was expected.");
        }

        if (reader.TokenType != token)
        {
            throw new JsonException($"The bulk answer has {reader.TokenType} where {token} was expected.");
        }
    }
}
