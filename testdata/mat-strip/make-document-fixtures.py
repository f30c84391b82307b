#!/usr/bin/python3
"""Makes the document fixtures for mat-strip: .docx, .xlsx, .pptx, .odt, .ods, .odp and PDFs
with metadata planted in every place mat-strip must clean. Every planted value contains
PKSECRET (dates are the fixed PLANTED_DATE), so a test can search a cleaned file's raw bytes,
every inflated zip entry and every PDF stream for them.

Run from the repository root:
    /usr/bin/python3 testdata/mat-strip/make-document-fixtures.py
Needs python3-docx, python3-openpyxl, python3-reportlab, python3-pikepdf, python3-odf and
python3-pil from Debian, and python-pptx (not packaged in Debian 12: pip install python-pptx in
a venv made with --system-site-packages). The tests use only the committed output.
"""

import io
import os
import re
import struct
import sys
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
PHOTO = os.path.join(HERE, "jpeg-baseline.jpg")  # carries EXIF/XMP/IPTC with PKSECRET values
PLANTED_DATE = "2019-03-04T05:06:07Z"
STAMP = (2019, 3, 4, 5, 6, 8)
# An "extended timestamp" extra field (0x5455) and an Info-ZIP Unix uid/gid field (0x7875).
EXTRA = struct.pack("<HHBI", 0x5455, 5, 1, 1551675968) + struct.pack("<HHBBIBI", 0x7875, 11, 1, 4, 1000, 4, 1000)

TEXT = [
    "Quarterly report: the north warehouse shipped 1,204 crates.",
    "Second paragraph with umlauts: Grüße aus Köln, and a tab\tinside.",
    "Third paragraph, changed in review.",
]


def rezip(path, edit):
    """Rewrites a zip: edit(dict name->bytes) changes parts; every entry gets a 2019 time, an
    extra field and a comment, the archive a comment."""
    with zipfile.ZipFile(path) as z:
        order = [i.filename for i in z.infolist()]
        parts = {n: z.read(n) for n in order}
    edit(parts)
    order = [n for n in order if n in parts] + [n for n in parts if n not in order]
    with zipfile.ZipFile(path, "w") as z:
        for name in order:
            info = zipfile.ZipInfo(name, STAMP)
            info.compress_type = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            if name != "mimetype":
                info.extra = EXTRA
                info.comment = b"PKSECRET-EntryComment"
            z.writestr(info, parts[name])
        z.comment = b"PKSECRET-ZipComment"


def add_override(parts, part_name, content_type):
    types = parts["[Content_Types].xml"].decode()
    types = types.replace("</Types>", f'<Override PartName="/{part_name}" ContentType="{content_type}"/></Types>')
    parts["[Content_Types].xml"] = types.encode()


def add_default(parts, ext, content_type):
    types = parts["[Content_Types].xml"].decode()
    if f'Extension="{ext}"' not in types:
        types = types.replace("</Types>", f'<Default Extension="{ext}" ContentType="{content_type}"/></Types>')
    parts["[Content_Types].xml"] = types.encode()


def add_rel(parts, rels_name, rel_id, rel_type, target, external=False):
    rels = parts.get(rels_name, b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                     b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"></Relationships>').decode()
    mode = ' TargetMode="External"' if external else ""
    rels = rels.replace("</Relationships>", f'<Relationship Id="{rel_id}" Type="{rel_type}" Target="{target}"{mode}/></Relationships>')
    parts[rels_name] = rels.encode()


R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
APP = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Properties xmlns="http://schemas.openxmlformats.org/'
       'officeDocument/2006/extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
       "<Template>PKSECRET-Template.dotm</Template><TotalTime>4242</TotalTime><Pages>1</Pages>"
       "<Application>PKSECRET-Application</Application><DocSecurity>0</DocSecurity><Company>PKSECRET-Company</Company>"
       "<Manager>PKSECRET-Manager</Manager><AppVersion>16.0000</AppVersion></Properties>")
CUSTOM = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Properties xmlns="http://schemas.openxmlformats.org/'
          'officeDocument/2006/custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
          '<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="Client"><vt:lpwstr>PKSECRET-CustomProperty</vt:lpwstr></property></Properties>')


def common_ooxml(parts, prefix):
    """What every OOXML fixture carries besides its own parts."""
    parts["docProps/app.xml"] = APP.encode()
    parts["docProps/custom.xml"] = CUSTOM.encode()
    add_override(parts, "docProps/custom.xml", "application/vnd.openxmlformats-officedocument.custom-properties+xml")
    add_rel(parts, "_rels/.rels", "rIdPk1", R + "/custom-properties", "docProps/custom.xml")
    if not any(n.startswith("docProps/thumbnail") for n in parts):
        parts["docProps/thumbnail.jpeg"] = open(PHOTO, "rb").read()
        add_default(parts, "jpeg", "image/jpeg")
        add_rel(parts, "_rels/.rels", "rIdPk2", "http://schemas.openxmlformats.org/package/2006/relationships/metadata/thumbnail",
                "docProps/thumbnail.jpeg")
    parts["customXml/item1.xml"] = b'<?xml version="1.0"?><root><owner>PKSECRET-CustomXml</owner></root>'
    parts["customXml/itemProps1.xml"] = (b'<?xml version="1.0"?><ds:datastoreItem ds:itemID="{6F1B4C2D-0000-4000-8000-000000000001}" '
                                         b'xmlns:ds="http://schemas.openxmlformats.org/officeDocument/2006/customXml"/>')
    add_override(parts, "customXml/itemProps1.xml", "application/vnd.openxmlformats-officedocument.customXmlProperties+xml")
    add_rel(parts, "customXml/_rels/item1.xml.rels", "rId1", R + "/customXmlProps", "itemProps1.xml")
    add_rel(parts, f"{prefix}/_rels/{main_part(prefix)}.rels", "rIdPk3", R + "/customXml", "../customXml/item1.xml")
    parts[f"{prefix}/printerSettings/printerSettings1.bin"] = b"\x00PKSECRET-PrinterName\x00" * 8
    add_default(parts, "bin", "application/vnd.openxmlformats-officedocument.spreadsheetml.printerSettings")


def main_part(prefix):
    return {"word": "document.xml", "xl": "workbook.xml", "ppt": "presentation.xml"}[prefix]


def core_props(props):
    props.author = "PKSECRET-Author"
    props.last_modified_by = "PKSECRET-LastModifiedBy"
    props.title = "PKSECRET-Title"
    props.subject = "PKSECRET-Subject"
    props.keywords = "PKSECRET-Keywords"
    props.comments = "PKSECRET-Description"
    props.category = "PKSECRET-Category"


def make_docx():
    import datetime
    import docx
    d = docx.Document()
    for text in TEXT:
        d.add_paragraph(text)
    d.add_picture(PHOTO)
    core_props(d.core_properties)
    d.core_properties.revision = 7
    d.core_properties.created = datetime.datetime(2019, 3, 4, 5, 6, 7)
    d.core_properties.modified = datetime.datetime(2019, 3, 4, 5, 6, 7)
    path = os.path.join(HERE, "docx-review.docx")
    d.save(path)

    def edit(parts):
        common_ooxml(parts, "word")
        doc = parts["word/document.xml"].decode()
        w = 'w:rsidR="00PK5EC1" w:rsidRDefault="00PK5EC1" w:rsidP="00PK5EC2"'
        doc = doc.replace("<w:p>", f"<w:p {w}>")
        # A comment on the first paragraph; the third paragraph's text as a tracked insertion.
        first = f"<w:t>{TEXT[0]}</w:t></w:r>"
        doc = doc.replace(first, first + '<w:commentRangeEnd w:id="0"/><w:r><w:commentReference w:id="0"/></w:r>', 1)
        third = f"<w:r><w:t>{TEXT[2]}</w:t></w:r>"
        doc = doc.replace(third, f'<w:ins w:id="5" w:author="PKSECRET-Reviser" w:date="{PLANTED_DATE}">{third}</w:ins>'
                                 f'<w:del w:id="6" w:author="PKSECRET-Reviser" w:date="{PLANTED_DATE}"><w:r><w:delText>old words </w:delText></w:r></w:del>')
        parts["word/document.xml"] = doc.encode()
        ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
        parts["word/comments.xml"] = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:comments {ns}>'
                                      f'<w:comment w:id="0" w:author="PKSECRET-Commenter" w:date="{PLANTED_DATE}" w:initials="PKSECRET-I">'
                                      '<w:p><w:r><w:t>Please check these numbers.</w:t></w:r></w:p></w:comment></w:comments>').encode()
        add_override(parts, "word/comments.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml")
        add_rel(parts, "word/_rels/document.xml.rels", "rIdPk4", R + "/comments", "comments.xml")
        parts["word/people.xml"] = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w15:people '
                                    'xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml">'
                                    '<w15:person w15:author="PKSECRET-Commenter"><w15:presenceInfo w15:providerId="AD" '
                                    'w15:userId="S::PKSECRET-UserId@example.org"/></w15:person></w15:people>').encode()
        add_override(parts, "word/people.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.people+xml")
        add_rel(parts, "word/_rels/document.xml.rels", "rIdPk5", "http://schemas.microsoft.com/office/2011/relationships/people", "people.xml")
        settings = parts["word/settings.xml"].decode()
        settings = re.sub(r"(<w:settings[^>]*>)", r'\1<w:attachedTemplate r:id="rIdTpl"/>', settings, count=1)
        settings = settings.replace("</w:settings>", '<w:rsids><w:rsidRoot w:val="00PK5EC1"/><w:rsid w:val="00PK5EC1"/>'
                                    '<w:rsid w:val="00PK5EC2"/></w:rsids></w:settings>')
        if 'xmlns:r=' not in settings.split(">", 2)[1]:
            settings = settings.replace("<w:settings ", f'<w:settings xmlns:r="{R}" ', 1)
        parts["word/settings.xml"] = settings.encode()
        add_rel(parts, "word/_rels/settings.xml.rels", "rIdTpl", R + "/attachedTemplate",
                "file:///C:/Users/PKSECRET-User/AppData/Templates/Normal.dotm", external=True)
    rezip(path, edit)


def make_xlsx():
    import openpyxl
    from openpyxl.comments import Comment
    from openpyxl.drawing.image import Image
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Crates"
    for row, text in enumerate(TEXT, 1):
        ws.cell(row=row, column=1, value=text)
        ws.cell(row=row, column=2, value=row * 1204)
    ws["A1"].comment = Comment("Check this total", "PKSECRET-XlsxCommenter")
    ws.add_image(Image(PHOTO), "D2")
    core_props(wb.properties)
    wb.properties.lastModifiedBy = "PKSECRET-LastModifiedBy"
    wb.properties.creator = "PKSECRET-Author"
    wb.properties.description = "PKSECRET-Description"
    path = os.path.join(HERE, "xlsx-comments.xlsx")
    wb.save(path)

    def edit(parts):
        common_ooxml(parts, "xl")
        parts["xl/persons/person.xml"] = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<personList '
                                          'xmlns="http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments">'
                                          '<person displayName="PKSECRET-Person" id="{5A0B2C3D-0000-4000-8000-000000000001}" '
                                          'userId="PKSECRET-UserId@example.org" providerId="AD"/></personList>').encode()
        add_override(parts, "xl/persons/person.xml", "application/vnd.ms-excel.person+xml")
        add_rel(parts, "xl/_rels/workbook.xml.rels", "rIdPk6", "http://schemas.microsoft.com/office/2017/10/relationships/person", "persons/person.xml")
        parts["xl/threadedComments/threadedComment1.xml"] = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<ThreadedComments '
            'xmlns="http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments">'
            f'<threadedComment ref="A1" dT="{PLANTED_DATE}" personId="{{5A0B2C3D-0000-4000-8000-000000000001}}" '
            'id="{5A0B2C3D-0000-4000-8000-000000000002}"><text>Check this total</text></threadedComment></ThreadedComments>').encode()
        add_override(parts, "xl/threadedComments/threadedComment1.xml", "application/vnd.ms-excel.threadedcomments+xml")
        add_rel(parts, "xl/worksheets/_rels/sheet1.xml.rels", "rIdPk7",
                "http://schemas.microsoft.com/office/2017/10/relationships/threadedComment", "../threadedComments/threadedComment1.xml")
    rezip(path, edit)


def make_pptx():
    try:
        import pptx
    except ImportError:
        sys.exit("python-pptx is needed: python3 -m venv --system-site-packages V && V/bin/pip install python-pptx")
    from pptx.util import Inches
    p = pptx.Presentation()
    for text in TEXT:
        slide = p.slides.add_slide(p.slide_layouts[1])
        slide.shapes.title.text = text
    p.slides[0].shapes.add_picture(PHOTO, Inches(1), Inches(2))
    core_props(p.core_properties)
    path = os.path.join(HERE, "pptx-comments.pptx")
    p.save(path)

    def edit(parts):
        common_ooxml(parts, "ppt")
        ns = 'xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"'
        parts["ppt/commentAuthors.xml"] = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<p:cmAuthorLst {ns}>'
                                           '<p:cmAuthor id="0" name="PKSECRET-PptCommenter" initials="PKSECRET-I" lastIdx="1" clrIdx="0"/>'
                                           '</p:cmAuthorLst>').encode()
        add_override(parts, "ppt/commentAuthors.xml", "application/vnd.openxmlformats-officedocument.presentationml.commentAuthors+xml")
        add_rel(parts, "ppt/_rels/presentation.xml.rels", "rIdPk8", R + "/commentAuthors", "commentAuthors.xml")
        parts["ppt/comments/comment1.xml"] = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<p:cmLst {ns}>'
                                              f'<p:cm authorId="0" dt="{PLANTED_DATE}" idx="1"><p:pos x="10" y="10"/>'
                                              '<p:text>Bigger font here</p:text></p:cm></p:cmLst>').encode()
        add_override(parts, "ppt/comments/comment1.xml", "application/vnd.openxmlformats-officedocument.presentationml.comments+xml")
        add_rel(parts, "ppt/slides/_rels/slide1.xml.rels", "rIdPk9", R + "/comments", "../comments/comment1.xml")
    rezip(path, edit)


def make_odf():
    from odf import dc, meta, office, table, text
    from odf.draw import Frame, Image as DrawImage
    from odf.opendocument import OpenDocumentPresentation, OpenDocumentSpreadsheet, OpenDocumentText
    from odf.style import MasterPage, PageLayout

    def plant_meta(doc):
        doc.meta.addElement(meta.InitialCreator(text="PKSECRET-InitialCreator"))
        doc.meta.addElement(dc.Creator(text="PKSECRET-Creator"))
        doc.meta.addElement(meta.CreationDate(text="2019-03-04T05:06:07"))
        doc.meta.addElement(dc.Date(text="2019-03-04T05:06:07"))
        doc.meta.addElement(meta.EditingCycles(text="42"))
        doc.meta.addElement(meta.EditingDuration(text="PT4H2M"))
        doc.meta.addElement(dc.Title(text="PKSECRET-Title"))
        doc.meta.addElement(meta.Keyword(text="PKSECRET-Keyword"))
        doc.meta.addElement(meta.UserDefined(name="Client", text="PKSECRET-UserDefined"))
        doc.meta.addElement(meta.PrintedBy(text="PKSECRET-PrintedBy"))

    def annotation():
        a = office.Annotation()
        a.addElement(dc.Creator(text="PKSECRET-Annotator"))
        a.addElement(dc.Date(text="2019-03-04T05:06:07"))
        a.addElement(text.P(text="Please check these numbers."))
        return a

    def photo(doc, parent, name):
        # A fixed name (odfpy would make up a random one each run): tests and other fixtures
        # (media/odt-mimetype-last.odt) name the part.
        with open(PHOTO, "rb") as f:
            href = doc.addPicture(f"Pictures/{name}.jpg", "image/jpeg", f.read())
        frame = Frame(width="4cm", height="3cm", anchortype="paragraph")
        frame.addElement(DrawImage(href=href))
        parent.addElement(frame)

    def finish(doc, name):
        path = os.path.join(HERE, name)
        doc.save(path)

        def edit(parts):
            parts["Thumbnails/thumbnail.png"] = thumbnail_png()
            manifest = parts["META-INF/manifest.xml"].decode()
            # Every part listed: LibreOffice refuses a package holding a part its manifest omits.
            manifest = manifest.replace("</manifest:manifest>", '<manifest:file-entry manifest:full-path="Thumbnails/thumbnail.png" '
                                        'manifest:media-type="image/png"/><manifest:file-entry '
                                        'manifest:full-path="settings.xml" manifest:media-type="text/xml"/></manifest:manifest>')
            parts["META-INF/manifest.xml"] = manifest.encode()
            parts["settings.xml"] = ('<?xml version="1.0" encoding="UTF-8"?>\n<office:document-settings '
                                     'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
                                     'xmlns:config="urn:oasis:names:tc:opendocument:xmlns:config:1.0" office:version="1.2">'
                                     '<office:settings><config:config-item-set config:name="ooo:configuration-settings">'
                                     '<config:config-item config:name="PrinterName" config:type="string">PKSECRET-Printer</config:config-item>'
                                     '<config:config-item config:name="PrinterSetup" config:type="base64Binary">UEtTRUNSRVQ=</config:config-item>'
                                     '<config:config-item config:name="PrintReversed" config:type="boolean">false</config:config-item>'
                                     '</config:config-item-set></office:settings></office:document-settings>').encode()
        rezip(path, edit)

    # Text: paragraphs, an annotation, a tracked change, a photo.
    doc = OpenDocumentText()
    plant_meta(doc)
    changes = text.TrackedChanges()
    region = text.ChangedRegion(check_grammar=False, qattributes={(text.TEXTNS, "id"): "ct1"})
    insertion = text.Insertion()
    info = office.ChangeInfo()
    info.addElement(dc.Creator(text="PKSECRET-Changer"))
    info.addElement(dc.Date(text="2019-03-04T05:06:07"))
    insertion.addElement(info)
    region.addElement(insertion)
    changes.addElement(region)
    doc.text.addElement(changes)
    for i, t in enumerate(TEXT):
        p = text.P()
        if i == 0:
            p.addElement(annotation())
        if i == 2:
            p.addElement(text.ChangeStart(changeid="ct1"))
        p.addText(t)
        if i == 2:
            p.addElement(text.ChangeEnd(changeid="ct1"))
        doc.text.addElement(p)
    photo(doc, doc.text.childNodes[-1], "6ADBDF501992462688BFCB5CC3941357")
    finish(doc, "odt-review.odt")

    # Spreadsheet: cells and an annotation.
    doc = OpenDocumentSpreadsheet()
    plant_meta(doc)
    t = table.Table(name="Crates")
    for i, line in enumerate(TEXT):
        row = table.TableRow()
        cell = table.TableCell(valuetype="string")
        if i == 0:
            cell.addElement(annotation())
        cell.addElement(text.P(text=line))
        row.addElement(cell)
        t.addElement(row)
    doc.spreadsheet.addElement(t)
    finish(doc, "ods-annotated.ods")

    # Presentation: slides with text and a photo.
    doc = OpenDocumentPresentation()
    plant_meta(doc)
    layout = PageLayout(name="PL")
    doc.automaticstyles.addElement(layout)
    master = MasterPage(name="Default", pagelayoutname=layout)
    doc.masterstyles.addElement(master)
    from odf.draw import Page, TextBox
    for i, line in enumerate(TEXT):
        page = Page(name=f"p{i}", masterpagename=master)
        frame = Frame(width="20cm", height="3cm", x="1cm", y="1cm")
        box = TextBox()
        box.addElement(text.P(text=line))
        frame.addElement(box)
        page.addElement(frame)
        if i == 0:
            photo(doc, page, "BD4AD8CDDEE74792B2FF359B9B059D51")
        doc.presentation.addElement(page)
    finish(doc, "odp-slides.odp")


def thumbnail_png():
    from PIL import Image, PngImagePlugin
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "PKSECRET-ThumbnailAuthor")
    buf = io.BytesIO()
    Image.new("RGB", (16, 16), (200, 10, 10)).save(buf, format="PNG", pnginfo=info)
    return buf.getvalue()


def make_pdfs():
    import pikepdf
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    base = os.path.join(HERE, "pdf-base.tmp.pdf")
    c = canvas.Canvas(base, pagesize=A4, invariant=1)
    c.setAuthor("PKSECRET-Author")
    c.setTitle("PKSECRET-Title")
    c.setSubject("PKSECRET-Subject")
    c.setKeywords("PKSECRET-Keywords")
    c.setCreator("PKSECRET-Creator")
    for page, line in enumerate(TEXT):
        c.setFont("Helvetica", 14)
        c.drawString(72, 760, line)
        c.drawString(72, 730, f"Page {page + 1} of {len(TEXT)}")
        if page == 0:
            c.drawImage(PHOTO, 72, 500, width=160, height=120)
            c.linkURL("https://example.org/report", (72, 700, 300, 720))
            c.drawString(72, 705, "https://example.org/report")
            c.acroForm.textfield(name="signed_by", value="", x=72, y=400, width=200, height=20)
        c.showPage()
    c.save()

    with pikepdf.open(base) as pdf:
        with pdf.open_metadata(set_pikepdf_as_editor=False) as xmp:
            xmp["dc:creator"] = ["PKSECRET-XmpCreator"]
            xmp["xmp:CreatorTool"] = "PKSECRET-XmpTool"
        page = pdf.pages[0]
        page.obj.LastModified = pikepdf.String("D:20190304050607Z")
        page.obj.PieceInfo = pikepdf.Dictionary(
            Illustrator=pikepdf.Dictionary(LastModified=pikepdf.String("D:20190304050607Z"),
                                           Private=pikepdf.String("PKSECRET-PieceInfo")))
        note = pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Text,
                                  Rect=[300, 600, 320, 620], Contents=pikepdf.String("Check this figure"),
                                  T=pikepdf.String("PKSECRET-Annotator"), M=pikepdf.String("D:20190304050607Z"),
                                  CreationDate=pikepdf.String("D:20190304050607Z"), NM=pikepdf.String("PKSECRET-AnnotId"))
        page.obj.Annots.append(pdf.make_indirect(note))
        # An attachment (a photo with its own EXIF), with a description and dates.
        spec = pikepdf.AttachedFileSpec(pdf, open(PHOTO, "rb").read(), description="PKSECRET-AttachmentDescription",
                                        filename="photo.jpg", mime_type="image/jpeg",
                                        creation_date="D:20190304050607Z", mod_date="D:20190304050607Z")
        pdf.attachments["photo.jpg"] = spec
        # A font's own metadata stream, as some producers write.
        font_meta = pdf.make_stream(b"<x:xmpmeta>PKSECRET-FontXmp</x:xmpmeta>", Type=pikepdf.Name.Metadata,
                                    Subtype=pikepdf.Name.XML)
        for _, font in page.obj.Resources.Font.items():
            font.Metadata = font_meta
            break
        pdf.save(os.path.join(HERE, "pdf-report.pdf"), static_id=True)
        pdf.save(os.path.join(HERE, "pdf-objstm.pdf"), static_id=True,
                 object_stream_mode=pikepdf.ObjectStreamMode.generate)
        pdf.save(os.path.join(HERE, "pdf-owner-password.pdf"), static_id=True,
                 encryption=pikepdf.Encryption(owner="owner-secret", user="", R=4, aes=True))
        pdf.save(os.path.join(HERE, "pdf-user-password.pdf"), static_id=True,
                 encryption=pikepdf.Encryption(owner="owner-secret", user="user-secret", R=4, aes=True))
    os.remove(base)
    incremental_update(os.path.join(HERE, "pdf-report.pdf"), os.path.join(HERE, "pdf-incremental.pdf"))


def incremental_update(src, dst):
    """Appends a revision that replaces the Info dictionary, as an editor's incremental save
    does: the old Info (with its PKSECRET author) stays in the file, unreferenced."""
    import pikepdf
    data = open(src, "rb").read()
    with pikepdf.open(src) as pdf:
        info = pdf.trailer.Info.objgen[0]
        root = pdf.trailer.Root.objgen[0]
        size = int(pdf.trailer.Size)
        ident = pdf.trailer.ID
    prev = int(re.findall(rb"startxref\s+(\d+)", data)[-1])
    body = bytearray(data)
    if not body.endswith(b"\n"):
        body += b"\n"
    offset = len(body)
    body += f"{info} 0 obj\n<< /Author (Someone Else) /Producer (editor) >>\nendobj\n".encode()
    xref = len(body)
    ids = "".join(f"<{bytes(i).hex()}>" for i in ident)
    body += (f"xref\n{info} 1\n{offset:010d} 00000 n \ntrailer\n<< /Size {size} /Root {root} 0 R /Info {info} 0 R "
             f"/ID [{ids}] /Prev {prev} >>\nstartxref\n{xref}\n%%EOF\n").encode()
    open(dst, "wb").write(bytes(body))


if __name__ == "__main__":
    make_docx()
    make_xlsx()
    make_pptx()
    make_odf()
    make_pdfs()
