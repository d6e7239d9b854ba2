"""`python -m assistant rules check [DIR]` and `rules show ID`: the rules files as their authors see them.

check uses the same loader as the engine and ingest, then runs each tests.yaml; show prints every
parameter per round in Japanese, with where it is written.
"""

from __future__ import annotations

from pathlib import Path

from assistant.calculator.loader import RULES_FILE_NAME, RulesError, load_checked
from assistant.calculator.money import format_date, format_percent, format_ratio, format_yen
from assistant.calculator.registry import INTENTS
from assistant.calculator.rounds import ordered
from assistant.calculator.schema import Band, Parameter, RulesFile
from assistant.calculator.slots import SLOTS
from assistant.calculator.tables import TESTS_FILE_NAME, run_table


def programme_folders(root: Path) -> list[Path]:
    """root itself when it holds a rules or tests file, else its sub-folders that do."""
    if (root / RULES_FILE_NAME).is_file() or (root / TESTS_FILE_NAME).is_file():
        return [root]
    return sorted(p for p in root.iterdir() if p.is_dir()
                  and ((p / RULES_FILE_NAME).is_file() or (p / TESTS_FILE_NAME).is_file()))


def check_folder(folder: Path) -> list[str]:
    """Problems of one programme folder, in Japanese framing (the checker's own message names file and key)."""
    rules_file = folder / RULES_FILE_NAME
    if not rules_file.is_file():
        return [f"{folder / TESTS_FILE_NAME}: テスト表はありますが、{RULES_FILE_NAME} がありません"]
    try:
        load_checked(rules_file)
    except RulesError as error:
        return [f"計算ルールに問題があります: {error}"]
    if not (folder / TESTS_FILE_NAME).is_file():
        return []
    try:
        results = run_table(folder)
    except RulesError as error:
        return [f"テスト表に問題があります: {error}"]
    return [f"{folder / TESTS_FILE_NAME}: 「{r.name}」が不合格です: " + "; ".join(r.problems)
            for r in results if not r.passed]


def run_check(root: Path | None) -> int:
    from assistant.settings import get_settings

    root = Path(root or get_settings().corpus_dir)
    if not root.is_dir():
        print(f"フォルダ {root} が見つかりません。")
        return 1
    folders = programme_folders(root)
    if not folders:
        print(f"{root} には計算ルール({RULES_FILE_NAME})がありません。")
        return 1
    failed = 0
    for folder in folders:
        problems = check_folder(folder)
        name = _name(folder)
        if problems:
            failed += 1
            print(f"NG {name}({folder})")
            for problem in problems:
                print(f"  - {problem}")
        else:
            cases = len(run_table(folder)) if (folder / TESTS_FILE_NAME).is_file() else 0
            tests = f"テスト{cases}件すべて合格" if cases else "テスト表なし"
            print(f"OK {name}({folder}): 計算ルールに問題はありません。{tests}。")
    print(f"{len(folders)}件中{len(folders) - failed}件に問題はありませんでした。")
    return 1 if failed else 0


def _name(folder: Path) -> str:
    try:
        return load_checked(folder / RULES_FILE_NAME)[0].official_name
    except RulesError:
        return folder.name


def _find(programme: str, root: Path) -> Path | None:
    direct = Path(programme)
    if (direct / RULES_FILE_NAME).is_file():
        return direct / RULES_FILE_NAME
    for folder in programme_folders(root) if root.is_dir() else []:
        file = folder / RULES_FILE_NAME
        if folder.name == programme:
            return file
        try:
            rules = load_checked(file)[0]
        except RulesError:
            continue
        if programme in (rules.programme, rules.official_name):
            return file
    return None


def _written(value: object, unit: str) -> str:
    if unit == "yen" and isinstance(value, int):
        return format_yen(value)
    if unit == "persons":
        return f"{value}人"
    if unit == "organisations":
        return f"{value}者"
    if unit == "percent" and isinstance(value, int | float):
        return format_percent(float(value))
    if unit == "ratio":
        from assistant.calculator.schema import parse_ratio

        return format_ratio(parse_ratio(str(value)))
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    if unit in ("date", "datetime"):
        return format_date(value)  # type: ignore[arg-type]
    return str(value)


def _band_line(band: Band, parameter: Parameter) -> str:
    return f"{band.describe(parameter.by_unit)}: {_written(band.value, parameter.unit)}"


def show_lines(rules: RulesFile) -> list[str]:
    lines = [f"{rules.official_name} の計算ルール", "", "公募回:"]
    for call in ordered(rules):
        start = f"受付開始 {format_date(call.start.value)}、" if call.start else ""  # type: ignore[arg-type]
        lines.append(f"- {call.name}: {start}締切 {format_date(call.deadline.value)}")  # type: ignore[arg-type]
    lines += ["", "パラメータ(公募回ごと。書かれていない回は前の回の値のままです):"]
    for name, parameter in rules.parameters.items():
        bound = parameter.bound or ""
        lines.append(f"- {name}")
        for round_name, dated in parameter.values.items():
            if dated.bands is not None:
                lines.append(f"  - {round_name}: {rules.labels.get(str(parameter.by)) or SLOTS[str(parameter.by)].label}で区分")
                lines += [f"    - {_band_line(b, parameter)}(『{b.source.doc}』「{b.source.heading}」)"
                          for b in dated.bands]
            else:
                assert dated.source is not None
                lines.append(f"  - {round_name}: {_written(dated.value, parameter.unit)}{bound}"
                             f"(『{dated.source.doc}』「{dated.source.heading}」: 「{dated.source.quote}」)")
    if rules.sme_thresholds:
        lines += ["", "中小企業の基準(全公募回共通。資本金または常勤従業員数):"]
        lines += [f"- {'・'.join(row.industries)}: 資本金{format_yen(row.capital.integer)}{row.capital.bound}"
                  f"または{row.employees.integer}人{row.employees.bound}" for row in rules.sme_thresholds]
    lines += ["", "計算できる内容: " + "、".join(INTENTS[i] for i in rules.calculations)]
    return lines


def run_show(programme: str, root: Path | None) -> int:
    from assistant.settings import get_settings

    file = _find(programme, Path(root or get_settings().corpus_dir))
    if file is None:
        print(f"「{programme}」の計算ルールが見つかりません。制度のID、正式名称、またはフォルダを指定してください。")
        return 1
    try:
        rules = load_checked(file)[0]
    except RulesError as error:
        print(f"計算ルールに問題があります: {error}")
        return 1
    print("\n".join(show_lines(rules)))
    return 0
