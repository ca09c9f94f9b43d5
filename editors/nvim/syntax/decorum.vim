" Vim syntax file
" Language:    Decorum policy files (.decorum), language version 1
" Grammar:     grammar/decorum.pest; the VS Code extension's TextMate grammar
"              (editors/vscode/syntaxes/decorum.tmLanguage.json) uses the same groups.

if exists("b:current_syntax")
  finish
endif
let s:cpo_save = &cpo
set cpo&vim

syn case match
" Names may contain `-` (client-story, case-sensitive): make them one keyword.
syn iskeyword @,48-57,_,192-255,-

" Any name or dotted path, so that the `-` inside `client-story` is not an operator.
" Defined first: later matches at the same column, and keywords, win over it.
syn match decorumName /\<\h[[:alnum:]_-]*\%(\.\h[[:alnum:]_-]*\)*/

syn match decorumOperator /->\|+=\|-=\|==\|!=\|>=\|<=\|[<>=+*/-]/
syn match decorumPercent /\<\d\+\%(\.\d\+\)\=%/
syn match decorumNumber /\<\d\+\%(\.\d\+\)\=\>%\@!/
syn match decorumMeta /\<meta\.[[:alnum:]_][[:alnum:]_.-]*/

" Items and the names they declare.
syn keyword decorumHeader decorum nextgroup=decorumVersion skipwhite
syn match decorumVersion /\d\+/ contained
syn keyword decorumDeclaration policy nextgroup=decorumPolicyName skipwhite
syn match decorumPolicyName /\h[[:alnum:]_-]*\%(\.\h[[:alnum:]_-]*\)*/ contained
syn keyword decorumDeclaration rule nextgroup=decorumRuleName skipwhite
syn match decorumRuleName /\h[[:alnum:]_-]*/ contained
syn keyword decorumDeclaration terms nextgroup=decorumTermsName skipwhite
syn match decorumTermsName /\h[[:alnum:]_-]*/ contained
syn keyword decorumImport import
syn keyword decorumImport as nextgroup=decorumAlias skipwhite
syn match decorumAlias /\h[[:alnum:]_-]*/ contained
syn keyword decorumItem use disable nextgroup=decorumRuleRef skipwhite
syn match decorumRuleRef /\h[[:alnum:]_-]*\%(\.\h[[:alnum:]_-]*\)*/ contained
" `extend` and `contains` are arguments of :syn keyword, so they are matches.
syn match decorumItem /\<extend\>/ nextgroup=decorumTermsRef skipwhite
syn match decorumTermsRef /\h[[:alnum:]_-]*\%(\.\h[[:alnum:]_-]*\)*/ contained
syn keyword decorumClause param nextgroup=decorumParamName skipwhite
syn match decorumParamName /\h[[:alnum:]_-]*/ contained

" Clauses, conditions and values.
syn keyword decorumClause severity title message link explain tags flag batch once require
syn keyword decorumClause fix replace remove append prepend example flags passes at because
syn keyword decorumConditional when unless
syn keyword decorumLogical and or not in
syn keyword decorumFunction near has count share
syn match decorumFunction /\<contains\>/
syn keyword decorumScope sentence paragraph post first ordered
syn keyword decorumField words chars sentences paragraphs length limit hashtags mentions links emoji posts
syn keyword decorumModifier masked case-sensitive negated quoted allow locked
syn keyword decorumSeverity error warning info hint
syn keyword decorumBoolean true false
syn keyword decorumMetaField channel type

" Strings, placeholders and escapes.
syn match decorumEscape /\\\%(u{\x\{1,6}}\|["\\nt]\)/ contained
syn match decorumPlaceholder /{{\|}}\|{\h[[:alnum:]_-]*}/ contained
syn region decorumString start=/"/ skip=/\\./ end=/"/ end=/$/ contains=decorumEscape,decorumPlaceholder
syn region decorumString start=/"""/ end=/"""/ contains=decorumPlaceholder fold

" Term lists: the only place a `/` starts a regex (elsewhere it divides).
syn region decorumRegex start=+/\ze[^ /]+ skip=+\\.+ end=+/[a-z]*+ end=+$+ oneline contained
syn region decorumTermList matchgroup=decorumDelimiter start=/\[/ end=/\]/
      \ contains=decorumString,decorumRegex,decorumComment,decorumTermList,decorumOperator,decorumName fold

syn region decorumBlock matchgroup=decorumDelimiter start=/{/ end=/}/ transparent fold

syn keyword decorumTodo TODO FIXME XXX NOTE contained
syn match decorumComment /#.*$/ contains=decorumTodo,@Spell

syn sync fromstart

hi def link decorumHeader      PreProc
hi def link decorumVersion     Number
hi def link decorumDeclaration Keyword
hi def link decorumImport      Include
hi def link decorumItem        Statement
hi def link decorumClause      Statement
hi def link decorumConditional Conditional
hi def link decorumLogical     Operator
hi def link decorumOperator    Operator
hi def link decorumFunction    Function
hi def link decorumScope       Constant
hi def link decorumField       Identifier
hi def link decorumModifier    StorageClass
hi def link decorumSeverity    Constant
hi def link decorumBoolean     Boolean
hi def link decorumMetaField   Identifier
hi def link decorumMeta        Identifier
hi def link decorumPolicyName  Type
hi def link decorumRuleName    Function
hi def link decorumTermsName   Type
hi def link decorumAlias       Type
hi def link decorumRuleRef     Function
hi def link decorumTermsRef    Type
hi def link decorumParamName   Identifier
hi def link decorumPercent     Number
hi def link decorumNumber      Number
hi def link decorumString      String
hi def link decorumRegex       String
hi def link decorumEscape      SpecialChar
hi def link decorumPlaceholder Special
hi def link decorumDelimiter   Delimiter
hi def link decorumComment     Comment
hi def link decorumTodo        Todo

let b:current_syntax = "decorum"
let &cpo = s:cpo_save
unlet s:cpo_save
