using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Leadline.Data;

/// <summary>
/// snake_case columns, keys and indexes on both providers, so hand-written SQL (migrations, SKIP LOCKED
/// claims, reports) reads naturally in PostgreSQL and the two schemas have the same names.
/// </summary>
internal static class SnakeCaseNames
{
    public static void Apply(ModelBuilder modelBuilder)
    {
        foreach (var entity in modelBuilder.Model.GetEntityTypes())
        {
            var table = entity.GetTableName();
            if (table is null)
                continue;
            var storeObject = StoreObjectIdentifier.Table(table, entity.GetSchema());
            foreach (var property in entity.GetProperties())
                property.SetColumnName(ToSnake(property.GetColumnName(storeObject) ?? property.Name));
            foreach (var key in entity.GetKeys())
                key.SetName(key.IsPrimaryKey() ? $"pk_{table}" : $"ak_{table}_{Columns(key.Properties)}");
            foreach (var fk in entity.GetForeignKeys())
                fk.SetConstraintName($"fk_{table}_{Columns(fk.Properties)}");
            foreach (var index in entity.GetIndexes())
                index.SetDatabaseName(index.Name ?? $"ix_{table}_{Columns(index.Properties)}");   // a named index keeps its name
        }
    }

    private static string Columns(IEnumerable<IMutableProperty> properties) =>
        string.Join("_", properties.Select(p => ToSnake(p.Name)));

    public static string ToSnake(string name)
    {
        var sb = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c))
            {
                var prevLower = i > 0 && (char.IsLower(name[i - 1]) || char.IsDigit(name[i - 1]));
                var nextLower = i > 0 && i + 1 < name.Length && char.IsLower(name[i + 1]) && char.IsUpper(name[i - 1]);
                if (prevLower || nextLower)
                    sb.Append('_');
                sb.Append(char.ToLowerInvariant(c));
            }
            else
            {
                sb.Append(c);
            }
        }
        return sb.ToString();
    }
}
