using System.Text.Json.Nodes;
using Microsoft.OpenApi;

namespace Leadline.Common.Api;

/// <summary>A query-string parameter an endpoint reads by hand (not by binding), described once for its parser and OpenAPI.</summary>
public sealed record QueryParameter(string Name, JsonSchemaType Type, string Description, IReadOnlyList<string>? Values = null)
{
    /// <summary>A parameter taking one of an enumeration's members, written in camelCase as the API writes them.</summary>
    public static QueryParameter OneOf<T>(string name, string description) where T : struct, Enum =>
        new(name, JsonSchemaType.String, description, [.. Enum.GetNames<T>().Select(n => char.ToLowerInvariant(n[0]) + n[1..])]);
}

public static class QueryParameterOpenApi
{
    /// <summary>Adds the parameters to the endpoint's OpenAPI operation (the handler reads them from the query itself).</summary>
    public static RouteHandlerBuilder WithQueryParameters(this RouteHandlerBuilder endpoint, IEnumerable<QueryParameter> parameters) =>
        endpoint.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            operation.Parameters ??= [];
            foreach (var p in parameters.Where(p => !operation.Parameters.Any(o => o.Name == p.Name)))
            {
                operation.Parameters.Add(new OpenApiParameter
                {
                    Name = p.Name,
                    In = ParameterLocation.Query,
                    Description = p.Description,
                    Schema = new OpenApiSchema { Type = p.Type, Enum = p.Values?.Select(v => (JsonNode)JsonValue.Create(v)).ToList() },
                });
            }
            return Task.CompletedTask;
        });
}
