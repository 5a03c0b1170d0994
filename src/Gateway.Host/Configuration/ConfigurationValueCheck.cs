using System.ComponentModel;
using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace Gateway.Host.Configuration;

/// <summary>
/// Before binding, tries every scalar value under the <c>Gateway</c> section with the converter the
/// configuration binder will use, and reports each one that would fail as one line naming the key
/// (the binder itself stops at the first bad value with an exception).
/// Walks the settings classes by reflection, so members added later are covered too.
/// </summary>
internal static class ConfigurationValueCheck
{
    public static List<string> Check(Type settingsType, IConfiguration section, string path, Func<string, string> describe)
    {
        var problems = new List<string>();
        CheckObject(settingsType, section, path, describe, problems);
        return problems;
    }

    private static void CheckObject(Type type, IConfiguration section, string path, Func<string, string> describe, List<string> problems)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length > 0 || property.GetMethod is not { IsPublic: true })
            {
                continue;
            }

            var propertyType = property.PropertyType;
            var child = section.GetSection(property.Name);
            var childPath = $"{path}:{property.Name}";
            if (IsScalar(propertyType))
            {
                if (property.SetMethod is { IsPublic: true })
                {
                    CheckScalar(propertyType, child.Value, childPath, describe, problems);
                }
            }
            else if (ListElementType(propertyType) is { } element)
            {
                foreach (var item in child.GetChildren())
                {
                    var itemPath = $"{childPath}:{item.Key}";
                    if (IsScalar(element))
                    {
                        CheckScalar(element, item.Value, itemPath, describe, problems);
                    }
                    else if (IsSettingsClass(element))
                    {
                        CheckObject(element, item, itemPath, describe, problems);
                    }
                }
            }
            else if (IsSettingsClass(propertyType))
            {
                CheckObject(propertyType, child, childPath, describe, problems);
            }
        }
    }

    private static void CheckScalar(Type type, string? value, string path, Func<string, string> describe, List<string> problems)
    {
        var target = Nullable.GetUnderlyingType(type) ?? type;
        if (value is null || target == typeof(string) || target == typeof(object))
        {
            return;
        }

        if (value.Length == 0 && target != type)
        {
            return; // the binder reads "" as null for a nullable type
        }

        try
        {
            _ = TypeDescriptor.GetConverter(target).ConvertFromInvariantString(value);
        }
        catch (Exception)
        {
            problems.Add($"{describe(path)} must be {Expectation(target, describe(path) != path)}, got '{value}'.");
        }
    }

    private static string Expectation(Type type, bool fromLegacyVariable)
    {
        if (type == typeof(bool))
        {
            return fromLegacyVariable ? "a boolean (true/false, 1/0, yes/no, on/off)" : "a boolean (true or false)";
        }

        if (type == typeof(int) || type == typeof(long) || type == typeof(short) ||
            type == typeof(uint) || type == typeof(ulong) || type == typeof(ushort) || type == typeof(byte))
        {
            return "a whole number";
        }

        if (type == typeof(double) || type == typeof(float) || type == typeof(decimal))
        {
            return "a number";
        }

        if (type.IsEnum)
        {
            return $"one of {string.Join(", ", Enum.GetNames(type))}";
        }

        return $"a valid {type.Name}";
    }

    private static bool IsScalar(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        return t.IsPrimitive || t.IsEnum || t == typeof(string) || t == typeof(decimal) ||
               t == typeof(TimeSpan) || t == typeof(Uri) || t == typeof(DateTimeOffset) || t == typeof(DateTime);
    }

    private static bool IsSettingsClass(Type type) =>
        type.IsClass && type.Namespace == typeof(GatewaySettings).Namespace;

    private static Type? ListElementType(Type type)
    {
        if (type.IsArray)
        {
            return type.GetElementType();
        }

        if (!type.IsGenericType)
        {
            return null;
        }

        var definition = type.GetGenericTypeDefinition();
        return definition == typeof(List<>) || definition == typeof(IList<>) ||
               definition == typeof(IReadOnlyList<>) || definition == typeof(IEnumerable<>) ||
               definition == typeof(ICollection<>) || definition == typeof(IReadOnlyCollection<>)
            ? type.GetGenericArguments()[0]
            : null;
    }
}
