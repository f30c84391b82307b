complete -c mat-strip -s o -l output -d 'Write the cleaned file here (one input only; - for standard output); DIR/ (a trailing slash, or an existing directory): each cleaned file into DIR under its own name, with -r the input tree mirrored, an existing file never replaced unless --force' -r -F
complete -c mat-strip -s j -l jobs -d 'Files cleaned in parallel; with fewer files than workers, --show and --check also read the parts of a document side by side [default: the number of cores]' -r
complete -c mat-strip -l remove -d 'Also remove this document content, which may identify people (a comma-separated list): comments (Word, PowerPoint, Excel and OpenDocument comments with their anchors in the text; a workbook\'s notes drawing keeps the controls or pictures it also holds), changes (Word and OpenDocument tracked changes accepted: the text is the final text), notes (PowerPoint and OpenDocument speaker notes), annotations (PDF comments, highlights, stamps; links and form fields stay, where --remove-annotations drops them too), attachments (PDF embedded files), forms (PDF form field values; the fields stay, empty), hidden (OpenDocument hidden text, paragraphs and sections, shapes wholly off the page and white text on a white page, PowerPoint hidden slides with their notes, shapes and pictures wholly off the slide and white text on a white slide, Word text hidden by the run or its style and white text on the white page, hidden paragraph marks joined to the next paragraph; OpenDocument text hidden by a text style goes, by a paragraph style is refused), all-content (all of these). Without it, content is never changed' -r
complete -c mat-strip -l unknown -d 'A document part, attachment or audio chunk mat-strip cannot check: abort (refuse the file), omit (leave it out) or keep (keep it, reported as unchecked); in archives (zip, tar) a member of an unknown kind is kept and reported as unchecked unless --unknown is given (abort then refuses the archive naming the member, omit leaves it out)' -r -f -a "abort\t''
omit\t''
keep\t''"
complete -c mat-strip -l max-memory -d 'Memory all files being cleaned at once may hold (a file read whole, a document\'s inflated parts, standard input); a file that needs more is refused (65), one that must wait for others waits [default: 1536M] (suffixes K, M, G)' -r
complete -c mat-strip -s i -l inplace -d 'Replace each file with its cleaned version (atomically; other hard links to it keep the old content, and a warning says so)'
complete -c mat-strip -l force -d 'With -o DIR/: replace files that already exist there'
complete -c mat-strip -s q -l quiet -d 'Print only errors, the files --check finds metadata in, and the summary'
complete -c mat-strip -l skip-unsupported -d 'Files of a format mat-strip does not know are reported (and counted in the summary) but do not change the exit status'
complete -c mat-strip -l show -d 'List the metadata found, grouped by what it gives away (location, identity, device, time, content, other), with GPS in decimal degrees and dates in ISO 8601; write nothing'
complete -c mat-strip -l check -d 'Write nothing; exit 1 if any file carries removable metadata, one line per file naming the categories found'
complete -c mat-strip -s r -l recursive -d 'Clean the files in directories, recursively (skips X.cleaned.EXT beside X.EXT)'
complete -c mat-strip -l json -d 'One JSON object per file'
complete -c mat-strip -l no-orientation -d 'Drop the EXIF Orientation too (by default it is kept so photos stay upright)'
complete -c mat-strip -l strip-icc -d 'Drop ICC colour profiles too'
complete -c mat-strip -l remove-annotations -d 'PDF: drop every annotation of every page, links and form-field widgets included (blunter than --remove annotations, which drops only what reviewers add: comments, highlights, stamps)'
complete -c mat-strip -l list-formats -d 'Print the supported formats and what is removed from each'
complete -c mat-strip -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mat-strip -s V -l version -d 'Print version'
