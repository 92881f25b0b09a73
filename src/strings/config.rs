//! The configuration file and `mmap-lab config`: where each setting comes from, bad values.

use super::S;

/// `(English, Chinese)` of this file's strings; `None` for the others' (see [`S::pair`]).
pub(super) fn pair(s: S) -> Option<(&'static str, &'static str)> {
    Some(match s {
        S::CfgFile => ("config file", "配置文件"),
        S::CfgFound => ("found", "已找到"),
        S::CfgNotFound => ("not found", "不存在"),
        S::CfgEnvironment => ("environment", "环境变量"),
        S::CfgInForce => ("in force", "当前生效"),
        S::CfgPrecedence => (
            "the command line wins over the environment, which wins over the file",
            "命令行优先于环境变量，环境变量优先于配置文件",
        ),
        S::CfgSet => ("set", "已设置"),
        S::CfgUnset => ("not set", "未设置"),
        S::CfgBadValue => ("bad value", "无效的值"),
        S::CfgUnknownKey => ("unknown key", "未知的设置项"),
        S::CfgUnreadable => ("not valid TOML", "不是有效的 TOML"),
        S::CfgUsingDefault => ("using the default", "改用默认值"),
        S::CfgUsingDefaults => ("using the defaults", "全部改用默认值"),
        S::CfgExample => ("an example file", "配置文件示例"),
        S::SrcCommandLine => ("command line", "命令行"),
        S::SrcEnvironment => ("environment", "环境变量"),
        S::SrcFile => ("config file", "配置文件"),
        S::SrcLocale => ("locale", "区域设置"),
        S::SrcDefault => ("default", "默认值"),
        _ => return None,
    })
}
