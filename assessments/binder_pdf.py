"""The binder's PDF, written as it goes: each source PDF (a generated page set, a unit's PDF, a converted file)
is read with pypdf, its pages and everything they use are written to the output at once and the reader is
dropped, so memory holds one source file at a time whatever the binder's size (pypdf's PdfWriter keeps every
page until it writes). Page numbers are stamped at the foot of every page but the cover; the outline
(bookmarks), the named destinations the contents' links open, and the page tree are written at the end."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import BinaryIO

from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NumberObject,
    PdfObject,
    TextStringObject,
)

DROPPED = ("/Parent", "/B", "/Thumb", "/StructParents", "/PieceInfo", "/Metadata")
NUMBER_FONT = "/SQPageNo"
DIGIT_WIDTH = 0.556  # Helvetica's digits, in ems


@dataclass
class OutlineNode:
    """A bookmark: its title, the page it opens (0-based in the output) and the bookmarks under it."""

    title: str
    page: int
    children: list["OutlineNode"] = field(default_factory=list)


@dataclass(frozen=True)
class PageLink:
    """A clickable area of a page (in points, from the page's lower left) that opens the output's page `target`
    (0-based): a row of the table of contents."""

    rect: tuple[float, float, float, float]
    target: int


class OutputRef(IndirectObject):
    """A reference to an object of the output (never of a source document)."""


def ref(number: int) -> OutputRef:
    return OutputRef(number, 0, None)


def destination_name(page: int) -> str:
    """The named destination of the output's page `page` (0-based), as printed: /p1, /p2, …"""
    return f"/p{page + 1}"


class Source:
    """A source PDF open for reading, with the output numbers its objects were given: pages taken from it in
    several calls share what they use (the summary pages' font is written once)."""

    def __init__(self, path):
        self.reader = PdfReader(path)
        if self.reader.is_encrypted:
            self.reader.decrypt("")
        self.numbers: dict[tuple[int, int], int] = {}

    @property
    def page_count(self) -> int:
        return len(self.reader.pages)


class StreamingPdfWriter:
    """Writes a PDF to `out` one source document at a time; `close` writes the page tree, outline and xref."""

    def __init__(self, out: BinaryIO, *, title: str = ""):
        self.out = out
        self.offsets: dict[int, int] = {}
        self.next_number = 1
        self.pages_number = self.reserve()
        self.font_number = self.reserve()
        self.page_refs: list[IndirectObject] = []
        self.link_targets: set[int] = set()
        self.title = title
        out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
        self.write_object(
            self.font_number,
            DictionaryObject(
                {
                    NameObject("/Type"): NameObject("/Font"),
                    NameObject("/Subtype"): NameObject("/Type1"),
                    NameObject("/BaseFont"): NameObject("/Helvetica"),
                    NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
                }
            ),
        )

    @property
    def page_count(self) -> int:
        return len(self.page_refs)

    def reserve(self) -> int:
        number = self.next_number
        self.next_number += 1
        return number

    def write_object(self, number: int, obj: PdfObject) -> None:
        self.offsets[number] = self.out.tell()
        self.out.write(f"{number} 0 obj\n".encode())
        obj.write_to_stream(self.out)
        self.out.write(b"\nendobj\n")

    def add_pdf(
        self,
        source: "Source | str",
        pages: range | None = None,
        *,
        numbered: bool = True,
        links: Mapping[int, list[PageLink]] | None = None,
    ) -> int:
        """Append the pages of a PDF (a path or an open `Source`; all pages, or the indexes in `pages`), with
        `links` added to the pages of those source indexes; return how many. Raises whatever pypdf raises for a
        file it cannot read."""
        source = source if isinstance(source, Source) else Source(source)
        reader = source.reader
        indexes = range(len(reader.pages)) if pages is None else pages
        source_pages = [reader.pages[i] for i in indexes]
        page_links = [(links or {}).get(i, []) for i in indexes]
        numbers = source.numbers
        for page in source_pages:  # a reference to a page (a link, an annotation's /P) points at its copy
            if page.indirect_reference is not None:
                key = (page.indirect_reference.idnum, page.indirect_reference.generation)
                if key not in numbers:
                    numbers[key] = self.reserve()
        pending: list[tuple[int, IndirectObject]] = []

        def remap(obj):
            if isinstance(obj, OutputRef):
                return obj
            if isinstance(obj, IndirectObject):
                key = (obj.idnum, obj.generation)
                if key not in numbers:
                    target = obj.get_object()
                    if isinstance(target, DictionaryObject) and target.get("/Type") == "/Pages":
                        numbers[key] = self.pages_number  # never copy the source's page tree
                    else:
                        numbers[key] = self.reserve()
                        pending.append((numbers[key], obj))
                return ref(numbers[key])
            if isinstance(obj, DictionaryObject):  # streams too: their dictionary is remapped, their bytes kept
                for name in list(obj.keys()):
                    obj[NameObject(name)] = remap(obj.raw_get(name))
            elif isinstance(obj, ArrayObject):
                for index, value in enumerate(list(obj)):
                    obj[index] = remap(value)
            return obj

        for page, added_links in zip(source_pages, page_links, strict=True):
            number = (
                numbers.get((page.indirect_reference.idnum, page.indirect_reference.generation))
                if page.indirect_reference
                else None
            )
            number = number or self.reserve()
            # pypdf has already copied the attributes a page inherits (/Resources, /MediaBox, /CropBox, /Rotate)
            # from its page tree into the page.
            copy = DictionaryObject({NameObject(name): page.raw_get(name) for name in page if name not in DROPPED})
            if numbered:
                self.stamp(copy, len(self.page_refs) + 1)
            copy = remap(copy)
            if added_links:
                self.add_links(copy, added_links)
            copy[NameObject("/Parent")] = ref(self.pages_number)
            self.page_refs.append(ref(number))
            self.write_object(number, copy)
            while pending:
                target_number, original = pending.pop()
                self.write_object(target_number, remap(original.get_object()))
        return len(source_pages)

    def add_links(self, page: DictionaryObject, links: list[PageLink]) -> None:
        """Link annotations on the (already copied) page, each opening its target page through a named
        destination that `close` writes once every page's object is known."""
        annotations = page.get("/Annots")
        annotations = ArrayObject(annotations.get_object()) if annotations is not None else ArrayObject()
        for link in links:
            self.link_targets.add(link.target)
            annotations.append(
                DictionaryObject(
                    {
                        NameObject("/Type"): NameObject("/Annot"),
                        NameObject("/Subtype"): NameObject("/Link"),
                        NameObject("/Rect"): ArrayObject(FloatObject(round(v, 2)) for v in link.rect),
                        NameObject("/Border"): ArrayObject([NumberObject(0)] * 3),
                        NameObject("/Dest"): NameObject(destination_name(link.target)),
                    }
                )
            )
        page[NameObject("/Annots")] = annotations

    def stamp(self, page: DictionaryObject, page_number: int) -> None:
        """Put the page number at the foot of the page as it is shown (its /Rotate honoured), the page's own
        drawing wrapped in q … Q so that nothing it leaves set moves the number."""
        resources = page.get("/Resources")
        resources = DictionaryObject(resources.get_object()) if resources is not None else DictionaryObject()
        fonts = resources.get("/Font")
        fonts = DictionaryObject(fonts.get_object()) if fonts is not None else DictionaryObject()
        fonts[NameObject(NUMBER_FONT)] = ref(self.font_number)
        resources[NameObject("/Font")] = fonts
        page[NameObject("/Resources")] = resources
        box = [float(v) for v in (page.get("/CropBox") or page.get("/MediaBox") or [0, 0, 595, 842])]
        llx, lly, urx, ury = min(box[0], box[2]), min(box[1], box[3]), max(box[0], box[2]), max(box[1], box[3])
        cx, cy = (llx + urx) / 2, (lly + ury) / 2
        rotate = int(page.get("/Rotate", 0) or 0) % 360
        matrix = {
            0: (1, 0, 0, 1, cx, lly + 16),
            90: (0, 1, -1, 0, urx - 16, cy),
            180: (-1, 0, 0, -1, cx, ury - 16),
            270: (0, -1, 1, 0, llx + 16, cy),
        }.get(rotate, (1, 0, 0, 1, cx, lly + 16))
        text = f"- {page_number} -"
        size = 9
        shift = -len(text) * DIGIT_WIDTH * size / 2
        cm = " ".join(f"{v:.2f}" for v in matrix)
        before, after = DecodedStreamObject(), DecodedStreamObject()
        before.set_data(b"q\n")
        after.set_data(f"\nQ\nq {cm} cm BT {NUMBER_FONT} {size} Tf 0 g {shift:.2f} 0 Td ({text}) Tj ET Q\n".encode())
        contents = page.raw_get("/Contents") if "/Contents" in page else None
        parts = ArrayObject()
        if contents is not None:
            resolved = contents.get_object()
            if isinstance(resolved, ArrayObject):
                parts.extend(resolved)
            else:
                parts.append(contents)
        page[NameObject("/Contents")] = ArrayObject([self.direct_stream(before), *parts, self.direct_stream(after)])

    def direct_stream(self, stream: DecodedStreamObject) -> IndirectObject:
        number = self.reserve()
        self.write_object(number, stream)
        return ref(number)

    def write_outline(self, nodes: list[OutlineNode]) -> int | None:
        """The bookmarks, in the output's page numbers; the outline's object number (None without bookmarks)."""
        if not nodes:
            return None
        root = self.reserve()
        first, last, count = self.write_outline_level(nodes, root)
        self.write_object(
            root,
            DictionaryObject(
                {
                    NameObject("/Type"): NameObject("/Outlines"),
                    NameObject("/First"): ref(first),
                    NameObject("/Last"): ref(last),
                    NameObject("/Count"): NumberObject(count),
                }
            ),
        )
        return root

    def write_outline_level(self, nodes: list[OutlineNode], parent: int) -> tuple[int, int, int]:
        numbers = [self.reserve() for _node in nodes]
        last_index = len(nodes) - 1
        total = len(nodes)
        for index, (node, number) in enumerate(zip(nodes, numbers, strict=True)):
            page = self.page_refs[min(node.page, len(self.page_refs) - 1)]
            item = DictionaryObject(
                {
                    NameObject("/Title"): TextStringObject(node.title),
                    NameObject("/Parent"): ref(parent),
                    NameObject("/Dest"): ArrayObject([page, NameObject("/Fit")]),
                }
            )
            if index > 0:
                item[NameObject("/Prev")] = ref(numbers[index - 1])
            if index < last_index:
                item[NameObject("/Next")] = ref(numbers[index + 1])
            if node.children:
                first, last, count = self.write_outline_level(node.children, number)
                item.update(
                    {
                        NameObject("/First"): ref(first),
                        NameObject("/Last"): ref(last),
                        NameObject("/Count"): NumberObject(count),
                    }
                )
                total += count
            self.write_object(number, item)
        return numbers[0], numbers[-1], total

    def close(self, outline: list[OutlineNode]) -> None:
        """Write the page tree, the outline, the catalogue, the document information and the xref."""
        self.write_object(
            self.pages_number,
            DictionaryObject(
                {
                    NameObject("/Type"): NameObject("/Pages"),
                    NameObject("/Kids"): ArrayObject(self.page_refs),
                    NameObject("/Count"): NumberObject(len(self.page_refs)),
                }
            ),
        )
        outline_number = self.write_outline(outline)
        catalog = DictionaryObject(
            {NameObject("/Type"): NameObject("/Catalog"), NameObject("/Pages"): ref(self.pages_number)}
        )
        targets = sorted(t for t in self.link_targets if t < len(self.page_refs))
        if targets:
            catalog[NameObject("/Dests")] = DictionaryObject(
                {NameObject(destination_name(t)): ArrayObject([self.page_refs[t], NameObject("/Fit")]) for t in targets}
            )
        if outline_number is not None:
            catalog[NameObject("/Outlines")] = ref(outline_number)
            catalog[NameObject("/PageMode")] = NameObject("/UseOutlines")
        catalog_number, info_number = self.reserve(), self.reserve()
        self.write_object(catalog_number, catalog)
        self.write_object(
            info_number,
            DictionaryObject(
                {
                    NameObject("/Title"): TextStringObject(self.title),
                    NameObject("/Producer"): TextStringObject("服務品質管考平台"),
                }
            ),
        )
        xref = self.out.tell()
        size = self.next_number
        self.out.write(f"xref\n0 {size}\n0000000000 65535 f \n".encode())
        for number in range(1, size):
            offset = self.offsets.get(number)
            self.out.write(f"{offset:010d} 00000 n \n".encode() if offset is not None else b"0000000000 00000 f \n")
        trailer = DictionaryObject(
            {
                NameObject("/Size"): NumberObject(size),
                NameObject("/Root"): ref(catalog_number),
                NameObject("/Info"): ref(info_number),
            }
        )
        self.out.write(b"trailer\n")
        trailer.write_to_stream(self.out)
        self.out.write(f"\nstartxref\n{xref}\n%%EOF\n".encode())
